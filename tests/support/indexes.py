"""What PostgreSQL says an index should hold, what it holds, and a worker over this test's indexes."""

from __future__ import annotations

import contextlib
from typing import Any

from opensearchpy import AsyncOpenSearch, NotFoundError
from opensearchpy.helpers import async_scan
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.repositories.search_sources import stream_rows
from app.search.definitions import alias_name
from app.search.documents import action_for
from indexer.listener import asyncpg_dsn
from indexer.worker import OutboxWorker


async def drop_indexes(client: AsyncOpenSearch, prefix: str) -> None:
    with contextlib.suppress(NotFoundError):
        await client.indices.delete(index=f"{prefix}*", expand_wildcards="all")


def make_worker(
    sessions: async_sessionmaker[AsyncSession], client: AsyncOpenSearch, settings: Settings, **options: Any
) -> OutboxWorker:
    assert settings.database_url
    options.setdefault("listen_dsn", asyncpg_dsn(settings.database_url))
    options.setdefault("backoff_max", 0.5)
    return OutboxWorker(sessions, client, prefix=settings.index_prefix, **options)


async def expected_documents(sessions: async_sessionmaker[AsyncSession], kind: str) -> dict[str, int]:
    """{document id: version} of every document PostgreSQL says the index should hold."""
    found = {}
    async with sessions() as session:
        async for row in stream_rows(session, kind):
            action = action_for(kind, row)
            if action.document is not None:
                found[action.id] = action.version
    return found


async def indexed_documents(client: AsyncOpenSearch, prefix: str, kind: str) -> dict[str, int]:
    """{document id: _version} of every document in the index behind the alias."""
    alias = alias_name(kind, prefix)
    await client.indices.refresh(index=alias)
    found = {}
    async for hit in async_scan(client, index=alias, query={"query": {"match_all": {}}, "version": True}):
        found[hit["_id"]] = hit["_version"]
    return found


async def get_document(client: AsyncOpenSearch, prefix: str, kind: str, doc_id: str) -> dict[str, Any] | None:
    try:
        return await client.get(index=alias_name(kind, prefix), id=doc_id)
    except NotFoundError:
        return None
