from __future__ import annotations

import asyncio

from opensearchpy import AsyncOpenSearch
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

CHECK_TIMEOUT_SECONDS = 2.0


async def _postgres(engine: AsyncEngine) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"unavailable: {type(exc).__name__}"
    return "ok"


async def _search(client: AsyncOpenSearch) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await client.cluster.health()
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}"
    return "ok"


async def readiness(engine: AsyncEngine, search: AsyncOpenSearch) -> dict[str, str]:
    postgres, search_engine = await asyncio.gather(_postgres(engine), _search(search))
    return {"postgres": postgres, "opensearch": search_engine}
