"""The three systems compared, each answering "the top 10 six-digit codes for this text".

- service: the product, through its HTTP API.
- ilike:   the seed document's own search (substring match in PostgreSQL, ordered by code).
- bm25:    a plain multi_match sent straight to the same search index, no tiers, no tricks.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg
import httpx
from opensearchpy import AsyncOpenSearch

DEPTH = 10
SEARCH_PATH = "/api/v1/naics/search"
BM25_FIELDS = ["title", "description", "keywords", "aliases", "examples"]
ILIKE_SQL = (
    "SELECT code FROM naics_codes WHERE level = 6 "
    "AND (title ILIKE '%' || $1 || '%' OR description ILIKE '%' || $1 || '%') "
    "ORDER BY code LIMIT 10"
)


class Ranker(Protocol):
    name: str
    # Why a query got no answer, counted ("http_500", "timeout", ...).
    errors: Counter[str]

    async def top_codes(self, query: str) -> list[str]: ...


class ServiceRanker:
    name = "service"

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.errors: Counter[str] = Counter()
        # Which engine answered ("opensearch", or "postgres" when the service fell back).
        self.engines: Counter[str] = Counter()

    async def top_codes(self, query: str) -> list[str]:
        try:
            response = await self.client.get(SEARCH_PATH, params={"q": query, "level": 6, "limit": DEPTH})
        except httpx.TimeoutException:
            self.errors["timeout"] += 1
            return []
        except httpx.HTTPError as exc:
            self.errors[type(exc).__name__] += 1
            return []
        if response.status_code != 200:
            self.errors[f"http_{response.status_code}"] += 1
            return []
        body = response.json()
        self.engines[str(body.get("engine"))] += 1
        return [str(item["code"]) for item in body.get("items", [])][:DEPTH]


class IlikeRanker:
    name = "ilike"
    sql = ILIKE_SQL

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.errors: Counter[str] = Counter()

    async def top_codes(self, query: str) -> list[str]:
        try:
            rows = await self.pool.fetch(ILIKE_SQL, query)
        except asyncpg.PostgresError as exc:
            self.errors[type(exc).__name__] += 1
            return []
        return [row["code"] for row in rows]


def bm25_body(query: str) -> dict[str, Any]:
    return {
        "size": DEPTH,
        "_source": ["code"],
        "query": {
            "bool": {
                "must": {"multi_match": {"query": query, "fields": BM25_FIELDS}},
                "filter": [{"term": {"level": 6}}],
            }
        },
    }


class Bm25Ranker:
    name = "bm25"

    def __init__(self, client: AsyncOpenSearch, alias: str) -> None:
        self.client = client
        self.alias = alias
        self.errors: Counter[str] = Counter()

    async def top_codes(self, query: str) -> list[str]:
        try:
            response = await self.client.search(index=self.alias, body=bm25_body(query))
        except Exception as exc:  # any engine error is a miss, counted by kind
            self.errors[type(exc).__name__] += 1
            return []
        return [str(hit["_source"]["code"]) for hit in response["hits"]["hits"]]


async def rank_all(ranker: Ranker, queries: Sequence[str], concurrency: int) -> list[list[str]]:
    """Every query's top codes, in query order, at most `concurrency` in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def one(query: str) -> list[str]:
        async with gate:
            return await ranker.top_codes(query)

    return list(await asyncio.gather(*(one(q) for q in queries)))
