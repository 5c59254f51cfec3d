from __future__ import annotations

import asyncio
import sys

import click

from app.config import Settings
from app.db import migrations
from app.db.engine import create_engine
from app.runtime import engines


@click.group()
def db() -> None:
    """Database schema: upgrade, check, reset."""


@db.command()
def upgrade() -> None:
    """Apply every migration up to head."""
    with engines(Settings.from_env(), need_search=False) as settings:
        assert settings.database_url
        click.echo(asyncio.run(migrations.upgrade(settings.database_url)).describe())


async def _check(settings: Settings) -> tuple[bool, str]:
    assert settings.database_url
    engine = create_engine(settings, pool=False)
    try:
        current = await migrations.current_revision(engine)
    except Exception as exc:  # the reason is the message
        return False, f"cannot connect: {exc}"
    finally:
        await engine.dispose()
    head = migrations.head_revision(settings.database_url)
    if current != head:
        return False, f"migrations not at head: database at {current}, code at {head}"
    return True, f"connection ok, migrations at head ({head})"


@db.command()
def check() -> None:
    """Connection works and migrations are at head (non-zero exit otherwise)."""
    with engines(Settings.from_env(), need_search=False) as settings:
        ok, message = asyncio.run(_check(settings))
    click.echo(message, err=not ok)
    sys.exit(0 if ok else 1)


@db.command()
@click.option("--yes", is_flag=True, help="Confirm: every row in the database is dropped.")
def reset(yes: bool) -> None:
    """Drop and recreate the schema."""
    if not yes:
        raise click.UsageError("refusing to drop the database without --yes")
    with engines(Settings.from_env(), need_search=False) as settings:
        assert settings.database_url
        asyncio.run(migrations.reset(settings.database_url))
    click.echo("database dropped and recreated at head")
