"""Does each index hold exactly what PostgreSQL says it should (same ids, same versions)?"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.helpers import async_scan
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models import SearchOutbox
from app.repositories.search_sources import stream_rows
from app.search.definitions import alias_name
from app.search.documents import action_for

KINDS = ("naics", "experiences")


async def expected(sessions: async_sessionmaker[AsyncSession], kind: str) -> dict[str, int]:
    found = {}
    async with sessions() as session:
        async for row in stream_rows(session, kind):
            action = action_for(kind, row)
            if action.document is not None:
                found[action.id] = action.version
    return found


async def indexed(client: AsyncOpenSearch, kind: str, prefix: str = "") -> dict[str, int]:
    alias = alias_name(kind, prefix)
    await client.indices.refresh(index=alias)
    found = {}
    async for hit in async_scan(client, index=alias, query={"query": {"match_all": {}}, "version": True}):
        found[hit["_id"]] = hit["_version"]
    return found


async def pending(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)


async def compare(sessions: async_sessionmaker[AsyncSession], client: AsyncOpenSearch) -> dict[str, Any]:
    report: dict[str, Any] = {"outbox_pending": await pending(sessions)}
    for kind in KINDS:
        want, have = await expected(sessions, kind), await indexed(client, kind)
        report[kind] = {
            "postgres_documents": len(want),
            "indexed_documents": len(have),
            "same_ids": want.keys() == have.keys(),
            "same_versions": want == have,
            "missing": sorted(set(want) - set(have))[:20],
            "extra": sorted(set(have) - set(want))[:20],
            "stale": sorted(k for k in want.keys() & have.keys() if want[k] != have[k])[:20],
        }
    report["equal"] = report["outbox_pending"] == 0 and all(report[k]["same_versions"] for k in KINDS)
    return report


async def wait_until_equal(
    sessions: async_sessionmaker[AsyncSession], client: AsyncOpenSearch, within: float
) -> tuple[dict[str, Any], float]:
    """Poll until the indexes equal PostgreSQL; the last comparison and the seconds it took."""
    started = time.monotonic()
    report: dict[str, Any] = {"equal": False}
    while time.monotonic() - started < within:
        try:
            report = await compare(sessions, client)
        except Exception as exc:  # engine still coming up, alias not rebuilt yet
            report = {"equal": False, "error": repr(exc)}
        if report["equal"]:
            break
        await asyncio.sleep(0.5)
    return report, time.monotonic() - started
