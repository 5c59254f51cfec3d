"""Run Alembic from code, so `levelith db ...` works from an installed package."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.db.engine import async_url
from app.resources import migrations_folder


def alembic_config(database_url: str) -> Config:
    # Wheels install unzipped, so the folder is a real one and stays valid after the block.
    with migrations_folder() as folder:
        config = Config(str(folder / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


@dataclass(frozen=True)
class Upgrade:
    """The schema revision before and after an upgrade (None: an empty database)."""

    before: str | None
    after: str | None

    def describe(self) -> str:
        if self.before == self.after:
            return f"database schema at {self.after} (up to date)"
        return f"database schema migrated from {self.before or 'empty'} to {self.after}"


def _upgrade(connection, database_url: str) -> Upgrade:  # type: ignore[no-untyped-def]
    config = alembic_config(database_url)
    config.attributes["connection"] = connection
    before = MigrationContext.configure(connection).get_current_revision()
    command.upgrade(config, "head")
    return Upgrade(before, MigrationContext.configure(connection).get_current_revision())


async def upgrade(database_url: str) -> Upgrade:
    engine = create_async_engine(async_url(database_url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            # One migrator at a time: the API and the indexer may both start with --migrate.
            await connection.execute(text("SELECT pg_advisory_xact_lock(7493)"))
            return await connection.run_sync(_upgrade, database_url)
    finally:
        await engine.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def reset(database_url: str) -> None:
    """Drop everything in the public schema, then migrate to head."""
    engine = create_async_engine(async_url(database_url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
    await upgrade(database_url)
