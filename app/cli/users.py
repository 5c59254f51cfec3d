"""`levelith users`: roles no API call can grant."""

from __future__ import annotations

import asyncio

import click

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.runtime import engines
from app.services.accounts import AccountService
from app.services.errors import NotFoundError


async def _set_admin(settings: Settings, username: str, granted: bool) -> bool:
    engine = create_engine(settings, pool=False)
    try:
        async with session_factory(engine)() as session, session.begin():
            try:
                await AccountService(session, settings).set_admin(username, granted)
            except NotFoundError:
                return False
        return True
    finally:
        await engine.dispose()


def _run(username: str, granted: bool) -> None:
    with engines(Settings.from_env(), need_search=False) as settings:
        found = asyncio.run(_set_admin(settings, username, granted))
    if not found:
        raise click.ClickException(f"no user named {username!r}")
    click.echo(f"{username} is {'now' if granted else 'no longer'} an administrator")


@click.group()
def users() -> None:
    """User accounts: administrator role."""


@users.command("grant-admin")
@click.argument("username")
def grant_admin(username: str) -> None:
    """Make USERNAME an administrator."""
    _run(username, True)


@users.command("revoke-admin")
@click.argument("username")
def revoke_admin(username: str) -> None:
    """Take the administrator role from USERNAME."""
    _run(username, False)
