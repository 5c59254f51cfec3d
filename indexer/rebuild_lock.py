"""One rebuild of an index at a time, across every indexer process and `levelith reindex`.

A second build would drop the first one's half-filled index as an orphan (see
IndexManager.begin_build), so builds of the same alias take a PostgreSQL advisory lock. It is
session-level, on a connection of its own, so it is released if the process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

RETRY_SECONDS = 0.5


class RebuildBusy(RuntimeError):
    """Another process is rebuilding this index right now."""


def lock_key(alias: str) -> int:
    digest = hashlib.blake2b(f"levelith-rebuild:{alias}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextlib.asynccontextmanager
async def rebuild_lock(engine: AsyncEngine, alias: str, *, wait: bool = True) -> AsyncIterator[None]:
    key = lock_key(alias)
    async with engine.connect() as connection:
        # Autocommit: the lock outlives statements, and no transaction idles open meanwhile.
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        # Polling rather than pg_advisory_lock: a blocking wait would hit the statement timeout.
        while not await connection.scalar(select(func.pg_try_advisory_lock(key))):
            if not wait:
                raise RebuildBusy(alias)
            await asyncio.sleep(RETRY_SECONDS)
        try:
            yield
        finally:
            try:
                await connection.execute(select(func.pg_advisory_unlock(key)))
            except Exception:
                # Never hand a connection that may still hold the lock back to the pool.
                await connection.invalidate()
