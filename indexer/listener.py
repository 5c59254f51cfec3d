"""LISTEN on the outbox channel so the indexer wakes the moment a change commits.

A plain asyncpg connection (SQLAlchemy's pool is no place for a long-lived listener). If it
cannot connect or drops, the worker simply keeps polling, and this reconnects now and then.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from app.db.engine import async_url

log = logging.getLogger(__name__)

CHANNEL = "levelith_search_outbox"
RECONNECT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5.0


def asyncpg_dsn(database_url: str) -> str:
    """A DSN asyncpg accepts, from any URL the service accepts."""
    url = make_url(async_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class OutboxListener:
    """Sets `wake` on every notification, and once after each (re)connection."""

    def __init__(self, dsn: str, wake: asyncio.Event) -> None:
        self.dsn = dsn
        self.wake = wake
        self._connection: asyncpg.Connection | None = None
        self._next_attempt = 0.0

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def ensure(self) -> bool:
        """Listen if not listening yet; returns whether notifications will arrive."""
        if self.listening:
            return True
        if time.monotonic() < self._next_attempt:
            return False
        self._next_attempt = time.monotonic() + RECONNECT_SECONDS
        await self.close()
        try:
            connection = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT_SECONDS)
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            log.info("LISTEN unavailable (%s); polling meanwhile", exc)
            return False
        try:
            await connection.add_listener(CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError) as exc:
            log.info("LISTEN failed (%s); polling meanwhile", exc)
            await connection.close(timeout=1)
            return False
        connection.add_termination_listener(self._terminated)
        self._connection = connection
        # Changes may have committed while nobody listened.
        self.wake.set()
        return True

    def _notified(self, *_: Any) -> None:
        self.wake.set()

    def _terminated(self, connection: Any, *_: Any) -> None:
        if connection is not self._connection:
            return  # closed on purpose (close() lets go of it first), e.g. at shutdown
        log.warning("LISTEN connection lost; polling until it is back")
        self.wake.set()

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            try:
                await connection.close(timeout=1)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                connection.terminate()
