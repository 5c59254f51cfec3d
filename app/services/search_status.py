"""How far the search indexes are behind PostgreSQL: the indexer's progress and lag."""

from __future__ import annotations

from opensearchpy import AsyncOpenSearch, NotFoundError
from opensearchpy import ConnectionError as EngineConnectionError
from sqlalchemy.ext.asyncio import AsyncSession

from app.repositories.search_outbox import pending_by_kind
from app.repositories.search_sources import count_documents
from app.schemas.admin_search import IndexStatus, SearchStatus
from app.search.definitions import INDEX_KINDS
from app.search.indexes import IndexManager


async def _engine_side(manager: IndexManager, kind: str) -> tuple[str | None, int | None, bool]:
    live = await manager.live_index(kind)
    rebuilding = await manager.next_index(kind) is not None
    if live is None:
        return None, None, rebuilding
    try:
        count = int((await manager.client.count(index=manager.names(kind).alias))["count"])
    except NotFoundError:  # removed between the two calls
        return None, None, rebuilding
    return live, count, rebuilding


async def indexer_status(session: AsyncSession, client: AsyncOpenSearch, prefix: str = "") -> SearchStatus:
    """Per index: documents in PostgreSQL and in the engine, outbox rows waiting and their age.

    An unreachable engine is reported, not raised: the PostgreSQL half is still worth knowing.
    """
    manager = IndexManager(client, prefix)
    pending = await pending_by_kind(session)
    reachable = True
    indexes = []
    for kind in INDEX_KINDS:
        index = count = None
        rebuilding = False
        if reachable:
            try:
                index, count, rebuilding = await _engine_side(manager, kind)
            except EngineConnectionError:
                reachable = False
        indexes.append(
            IndexStatus(
                kind=kind,
                alias=manager.names(kind).alias,
                index=index,
                documents_postgres=await count_documents(session, kind),
                documents_index=count,
                pending_outbox_rows=pending[kind].rows,
                oldest_pending_seconds=pending[kind].oldest_age_seconds,
                rebuilding=rebuilding,
            )
        )
    in_sync = reachable and all(
        i.pending_outbox_rows == 0 and i.documents_index == i.documents_postgres for i in indexes
    )
    return SearchStatus(engine_reachable=reachable, in_sync=in_sync, indexes=indexes)
