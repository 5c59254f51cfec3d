"""Databases on the session's PostgreSQL server: their URLs, and statements run outside a transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.db.engine import async_url
from tests.support.engines import EngineSet


def database_url(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


async def run_as_admin(engines: EngineSet, statement: str) -> None:
    """One statement in autocommit (CREATE/DROP DATABASE cannot run inside a transaction)."""
    engine = create_async_engine(
        async_url(engines.database_url), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()
