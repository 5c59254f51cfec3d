"""The outbox consumer: keeps the search indexes in step with PostgreSQL.

One batch is one PostgreSQL transaction: claim the oldest outbox rows (skipping rows another
indexer holds), rebuild the documents they name from current state, bulk-write them to every
alias of their kind with external versions, delete the rows, commit. If anything fails the
transaction rolls back and the rows wait for the next try: nothing is lost, and replaying a
batch is harmless because versions decide which write wins.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from opensearchpy import AsyncOpenSearch
from opensearchpy import ConnectionError as EngineConnectionError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.metrics import INDEXER_BATCHES, INDEXER_DOCUMENTS, INDEXER_FAILURES, INDEXER_LAST_SUCCESS
from app.repositories.search_outbox import claim_batch, delete_rows
from app.search.client import create_bulk_client
from app.search.indexes import IndexManager
from indexer.bulk import BulkFailed, WriteSummary, write
from indexer.changes import actions_for_rows
from indexer.health import rebuild_missing
from indexer.listener import OutboxListener, asyncpg_dsn

log = logging.getLogger(__name__)

BATCH_SIZE = 500
POLL_SECONDS = 1.0
HEALTH_CHECK_SECONDS = 10.0
BACKOFF_MIN_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 10.0


class EngineEmpty(RuntimeError):
    """A kind has no alias to write to: the engine lost its indexes and must be rebuilt."""


class BatchResult(msgspec.Struct):
    row_ids: list[int]
    actions: int
    writes: WriteSummary


class OutboxWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: AsyncOpenSearch,
        *,
        prefix: str = "",
        listen_dsn: str | None = None,
        batch_size: int = BATCH_SIZE,
        poll_seconds: float = POLL_SECONDS,
        health_check_seconds: float = HEALTH_CHECK_SECONDS,
        backoff_min: float = BACKOFF_MIN_SECONDS,
        backoff_max: float = BACKOFF_MAX_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.prefix = prefix
        self.manager = IndexManager(client, prefix)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.health_check_seconds = health_check_seconds
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self._wake = asyncio.Event()
        self.listener = OutboxListener(listen_dsn, self._wake) if listen_dsn else None
        self.failures = 0  # consecutive failed attempts, for logs and tests

    async def run_once(self) -> BatchResult | None:
        """Process one batch; None when the outbox had nothing this worker could claim."""
        async with self.sessions() as session, session.begin():
            rows = await claim_batch(session, self.batch_size)
            if not rows:
                INDEXER_LAST_SUCCESS.set_to_current_time()
                return None
            actions = await actions_for_rows(session, rows)
            # Aliases are looked up after PostgreSQL was read: a reindex that started earlier is
            # then already a target, and one that starts later reads state at least this new.
            targets: dict[str, list[str]] = {}
            for kind in sorted({action.kind for action in actions}):
                targets[kind] = await self.manager.write_aliases(kind)
                if not targets[kind]:
                    raise EngineEmpty(f"no index behind alias {self.manager.names(kind).alias}")
            writes = await write(self.client, actions, targets) if actions else WriteSummary()
            await delete_rows(session, [row.id for row in rows])
        log.debug("indexed batch of %d outbox rows: %s", len(rows), writes)
        INDEXER_BATCHES.inc()
        INDEXER_DOCUMENTS.inc(len(actions))
        INDEXER_LAST_SUCCESS.set_to_current_time()
        return BatchResult([row.id for row in rows], len(actions), writes)

    async def drain(self) -> int:
        """Process batches until the outbox is empty (for this worker); return rows consumed."""
        consumed = 0
        while (result := await self.run_once()) is not None:
            consumed += len(result.row_ids)
        return consumed

    async def heal(self) -> None:
        for summary in await rebuild_missing(self.client, self.sessions, self.prefix):
            log.warning("rebuilt %s: %d documents into %s", summary.kind, summary.indexed, summary.index)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Consume until `stop` is set; a batch in progress is always finished first."""
        stop = stop or asyncio.Event()
        backoff = self.backoff_min
        check_engine_at = 0.0  # at once: the engine may have come back empty while we were away
        try:
            while not stop.is_set():
                if self.listener is not None:
                    await self.listener.ensure()
                self._wake.clear()
                try:
                    if time.monotonic() >= check_engine_at:
                        await self.heal()
                        check_engine_at = time.monotonic() + self.health_check_seconds
                    result = await self.run_once()
                except Exception as exc:  # any failure: keep the rows, back off, try again
                    self.failures += 1
                    INDEXER_FAILURES.inc()
                    log.warning(
                        "indexing failed (attempt %d, retrying in %.1fs): %s: %s",
                        self.failures,
                        backoff,
                        type(exc).__name__,
                        exc,
                        exc_info=self.failures == 1 and not _expected(exc),
                    )
                    check_engine_at = 0.0  # check the engine on reconnect: it may have come back empty
                    await _wait(stop, None, backoff)
                    backoff = min(backoff * 2, self.backoff_max)
                    continue
                if self.failures:
                    log.info("indexing resumed after %d failed attempts", self.failures)
                self.failures = 0
                backoff = self.backoff_min
                if result is None:
                    await _wait(stop, self._wake, self.poll_seconds)
        finally:
            if self.listener is not None:
                await self.listener.close()


def _expected(exc: Exception) -> bool:
    """Faults the worker is built to ride out; anything else gets a traceback in the log."""
    return isinstance(exc, EngineConnectionError | EngineEmpty | BulkFailed | DBAPIError | OSError)


async def _wait(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    """Sleep up to `seconds`, ending early on stop (and on wake, if given)."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


@asynccontextmanager
async def running_worker(settings: Settings, *, stop_timeout: float = 30.0) -> AsyncIterator[OutboxWorker]:
    """Run a worker as a task with its own pool and client; on exit, let its batch finish."""
    assert settings.database_url
    engine = create_engine(settings)
    client = create_bulk_client(settings)
    worker = OutboxWorker(
        session_factory(engine),
        client,
        prefix=settings.index_prefix,
        listen_dsn=asyncpg_dsn(settings.database_url),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop), name="levelith-indexer")
    try:
        yield worker
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=stop_timeout)
        except TimeoutError:
            log.warning("indexer did not stop within %.0fs; cancelled", stop_timeout)
        finally:
            await client.close()
            await engine.dispose()


def in_process_indexer(settings: Settings) -> Any:
    """A background task for create_app(background=...): the indexer inside `levelith serve`."""

    @asynccontextmanager
    async def background(_app: Any) -> AsyncIterator[None]:
        async with running_worker(settings):
            yield

    return background
