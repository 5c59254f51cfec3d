"""Build a fresh physical index from PostgreSQL and swap the alias to it atomically.

Searches keep answering from the old index throughout. Changes that arrive during the
build reach the new index too: the indexer writes to every write target (see
app/search/indexes.py), and anything it has not consumed yet stays in the outbox.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec
from opensearchpy import AsyncOpenSearch
from opensearchpy.helpers import async_streaming_bulk
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.repositories.search_sources import count_documents, stream_rows
from app.search.definitions import alias_name
from app.search.documents import action_for
from app.search.indexes import IndexManager
from indexer.bulk import outcome
from indexer.read_ahead import read_ahead
from indexer.rebuild_lock import rebuild_lock

log = logging.getLogger(__name__)

BULK_CHUNK = 1000
# The request path's client gives up after about two seconds; a bulk chunk may take longer.
BULK_TIMEOUT_SECONDS = 60.0

Progress = Callable[[int, int], None]  # (done, total)


class ReindexSummary(msgspec.Struct):
    kind: str
    index: str
    indexed: int
    skipped: int
    failed: int
    seconds: float
    removed_indexes: list[str]

    @property
    def documents_per_second(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0


class ReindexError(RuntimeError):
    """The new index could not be filled; the alias still serves the old one."""


async def _actions(
    session: AsyncSession, kind: str, index: str, skipped: list[int]
) -> AsyncIterator[dict[str, Any]]:
    async for row in stream_rows(session, kind):
        action = action_for(kind, row)
        if action.document is None:  # hidden documents: a fresh index simply lacks them
            skipped[0] += 1
            continue
        yield action.bulk_action(index)


async def reindex(
    kind: str,
    client: AsyncOpenSearch,
    sessions: async_sessionmaker[AsyncSession],
    *,
    prefix: str = "",
    progress: Progress | None = None,
    wait: bool = True,
) -> ReindexSummary:
    """Rebuild one index kind. With wait=False, raise RebuildBusy if another build is running."""
    async with rebuild_lock(sessions.kw["bind"], alias_name(kind, prefix), wait=wait):
        return await build_index(kind, IndexManager(client, prefix), sessions, progress)


async def build_index(
    kind: str,
    manager: IndexManager,
    sessions: async_sessionmaker[AsyncSession],
    progress: Progress | None = None,
) -> ReindexSummary:
    """The build itself, into `manager`'s indexes; the caller holds rebuild_lock for this alias."""
    client = manager.client
    started = time.perf_counter()
    new_index = await manager.begin_build(kind)
    indexed = failed = 0
    skipped = [0]
    async with sessions() as session:
        total = await count_documents(session, kind)
        async for _ok, item in async_streaming_bulk(
            client,
            # Two chunks ahead: the next bulk body is ready when the engine answers.
            read_ahead(_actions(session, kind, new_index, skipped), 2 * BULK_CHUNK),
            chunk_size=BULK_CHUNK,
            raise_on_error=False,
            raise_on_exception=True,
            max_retries=3,
            request_timeout=BULK_TIMEOUT_SECONDS,
        ):
            op, result = next(iter(item.items()))
            # Judged as the indexer's writes are: a 409 means the indexer already wrote a newer
            # version of this document meanwhile, which counts as indexed.
            if outcome(op, result) != "failed":
                indexed += 1
            else:
                failed += 1
                log.error("could not index %s %s: %s", kind, result.get("_id"), result.get("error"))
            if progress is not None:
                progress(indexed + failed, total)
    if failed:
        raise ReindexError(f"{failed} {kind} documents failed; the alias still serves the old index")
    await manager.finish_build(kind, new_index)
    removed = await manager.swap(kind, new_index)
    summary = ReindexSummary(
        kind=kind,
        index=new_index,
        indexed=indexed,
        skipped=skipped[0],
        failed=failed,
        seconds=time.perf_counter() - started,
        removed_indexes=removed,
    )
    log.debug("reindexed %s: %d documents into %s in %.1fs", kind, indexed, new_index, summary.seconds)
    return summary
