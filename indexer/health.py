"""Self-healing: rebuild from PostgreSQL an index the engine no longer has.

An engine can come back empty: a new cluster, a deleted index, or osmem, which keeps nothing
across restarts. The indexer checks on every reconnect and periodically; `levelith serve`
checks at start-up, where a count that differs from PostgreSQL, or an index built from an older
definition version (opensearch/*.json), also means "rebuild".
Meanwhile searches answer from PostgreSQL (the query side falls back on a missing alias).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from opensearchpy import AsyncOpenSearch, NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.repositories.search_sources import count_documents
from app.search.client import create_bulk_client
from app.search.definitions import INDEX_KINDS, definition_version_of, load_definition
from app.search.indexes import IndexManager
from app.services.search_fallback import engine_unavailable
from indexer.rebuild_lock import RebuildBusy, rebuild_lock
from indexer.reindex import ReindexSummary, build_index

log = logging.getLogger(__name__)


# Why an index kind needs a rebuild, with the level to log it at; None: it does not.
Reason = tuple[int, str] | None
Check = Callable[[IndexManager, async_sessionmaker[AsyncSession], str], Awaitable[Reason]]


async def _missing(manager: IndexManager, sessions: async_sessionmaker[AsyncSession], kind: str) -> Reason:
    if await manager.live_index(kind) is not None:
        return None
    return logging.WARNING, "is missing: rebuilding it from PostgreSQL"


async def _index_count(manager: IndexManager, kind: str, live: str | None) -> int | None:
    # The live index is asked first, so the expected absence (every start of the in-memory
    # engine) is an answer, not a failed request the client logs as a warning.
    if live is None:
        return None
    try:
        return int((await manager.client.count(index=manager.names(kind).alias))["count"])
    except NotFoundError:  # deleted in between
        return None


def _outdated(live: str, kind: str, prefix: str) -> Reason:
    # An upgrade that changed the mapping (a new definition version) needs the new fields before
    # a query can use them: a query on a field the live index lacks matches nothing, or (a
    # nested path) fails with a 400. Before, that took a manual `levelith reindex`.
    built, current = definition_version_of(live, kind, prefix), load_definition(kind).version
    if built == current:
        return None
    return logging.INFO, f"was built from definition version {built}, now {current}: rebuilding"


async def _incomplete(manager: IndexManager, sessions: async_sessionmaker[AsyncSession], kind: str) -> Reason:
    live = await manager.live_index(kind)
    if live is not None and (outdated := _outdated(live, kind, manager.prefix)) is not None:
        return outdated
    async with sessions() as session:
        expected = await count_documents(session, kind)
    found = await _index_count(manager, kind, live)
    if found == expected:
        return None
    if found is None:
        return logging.DEBUG, "is missing: building it from PostgreSQL"
    return logging.INFO, f"holds {found} documents, PostgreSQL {expected}: rebuilding"


async def _rebuild_where(
    check: Check, manager: IndexManager, sessions: async_sessionmaker[AsyncSession], *, wait: bool
) -> list[ReindexSummary]:
    """Rebuild every kind `check` gives a reason for, holding the kind's rebuild lock.

    Checked again under the lock: another process may have just rebuilt it. With wait=False a
    kind another process is rebuilding is skipped.
    """
    rebuilt = []
    for kind in INDEX_KINDS:
        if await check(manager, sessions, kind) is None:
            continue
        alias = manager.names(kind).alias
        try:
            async with rebuild_lock(sessions.kw["bind"], alias, wait=wait):
                reason = await check(manager, sessions, kind)
                if reason is None:
                    continue
                level, why = reason
                log.log(level, "search alias %s %s", alias, why)
                rebuilt.append(await build_index(kind, manager, sessions))
        except RebuildBusy:
            log.info("alias %s is being rebuilt by another process", alias)
    return rebuilt


async def rebuild_missing(
    client: AsyncOpenSearch, sessions: async_sessionmaker[AsyncSession], prefix: str = ""
) -> list[ReindexSummary]:
    """Rebuild every kind whose alias is gone; skip a kind another process is rebuilding."""
    return await _rebuild_where(_missing, IndexManager(client, prefix), sessions, wait=False)


async def ensure_complete(
    client: AsyncOpenSearch, sessions: async_sessionmaker[AsyncSession], prefix: str = ""
) -> list[ReindexSummary]:
    """Rebuild every kind whose alias is missing or holds a different number of documents."""
    return await _rebuild_where(_incomplete, IndexManager(client, prefix), sessions, wait=True)


async def ensure_search_indexes(settings: Settings) -> None:
    """`levelith serve`'s start-up check: rebuild any index missing or incomplete (osmem keeps nothing)."""
    if not settings.opensearch_url:
        return
    engine = create_engine(settings)
    client = create_bulk_client(settings)
    try:
        rebuilt = await ensure_complete(client, session_factory(engine), settings.index_prefix)
    except Exception as exc:
        if not engine_unavailable(exc):
            raise
        # The API answers from PostgreSQL meanwhile, and the indexer's health check rebuilds
        # what is missing once the engine is back: a search engine that is down is no reason
        # for the service not to start.
        log.warning(
            "search engine unavailable at start-up (%s: %s); searches are answered by PostgreSQL "
            "and the indexes are checked again when it is back",
            type(exc).__name__,
            exc,
        )
        return
    finally:
        await client.close()
        await engine.dispose()
    if rebuilt:
        built = ", ".join(f"{summary.kind} ({summary.indexed} documents)" for summary in rebuilt)
        log.info("search indexes built from PostgreSQL: %s in %.1fs", built, sum(s.seconds for s in rebuilt))
    else:
        log.info("search indexes complete")
