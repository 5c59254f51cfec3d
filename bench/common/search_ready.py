"""Wait until the search index reflects PostgreSQL, before measuring anything that reads it."""

from __future__ import annotations

import asyncio
import os
import time

import asyncpg
from opensearchpy import AsyncOpenSearch


def alias(kind: str) -> str:
    """The alias the service reads (OPENSEARCH_INDEX_PREFIX is honoured, as the service does)."""
    return f"{os.environ.get('OPENSEARCH_INDEX_PREFIX', '')}{kind}"


async def wait_for_count(search: AsyncOpenSearch, index: str, expected: int, within: float) -> int:
    deadline = time.monotonic() + within
    seen: int | None = None
    while time.monotonic() < deadline:
        try:
            seen = int((await search.count(index=index))["count"])
        except Exception:  # the alias may not exist yet
            seen = None
        if seen == expected:
            return seen
        await asyncio.sleep(0.5)
    raise RuntimeError(
        f"search index {index!r} holds {seen} documents, expected {expected}, after {within:.0f} s"
    )


async def wait_for_outbox(pool: asyncpg.Pool, within: float) -> None:
    """Until the service's indexer has consumed every pending change.

    An import leaves one outbox row per code; a measurement taken while the indexer works
    through them charges that work to whatever endpoint is being measured.
    """
    deadline = time.monotonic() + within
    pending = None
    while time.monotonic() < deadline:
        pending = await pool.fetchval("SELECT count(*) FROM search_outbox")
        if pending == 0:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"{pending} outbox rows still pending after {within:.0f} s")


async def wait_for_naics(search: AsyncOpenSearch, pool: asyncpg.Pool, within: float = 300) -> int:
    """One document per active catalogue row in the `naics` alias, and nothing left to index."""
    expected = await pool.fetchval("SELECT count(*) FROM naics_codes WHERE is_active")
    documents = await wait_for_count(search, alias("naics"), expected, within)
    await wait_for_outbox(pool, within)
    return documents
