"""The systems compared, each answering "the top 10 codes for this text".

- service:      the product's search, through its HTTP API (six-digit codes).
- autocomplete: the product's per-keystroke suggestions, through its HTTP API: the ten a
                person sees, any level (a six-digit code's four-digit parent may come first).
- ilike:        the seed document's own search (substring match in PostgreSQL, ordered by code).
- bm25:         a plain multi_match over the same documents' text fields, as the service's
                index analyses them, no tiers, no tricks (in an index of those fields only:
                bm25_index).
- beacon_style: the Census Bureau's BEACON as published (bench.relevance.beacon), trained on
                the same indexed items and titles the service was given.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Sequence
from typing import Any, Protocol

import asyncpg
import httpx
from opensearchpy import AsyncOpenSearch
from opensearchpy.helpers import async_bulk, async_scan

from app.search.definitions import load_definition
from bench.relevance.beacon import BeaconStyle

DEPTH = 10
SEARCH_PATH = "/api/v1/naics/search"
CLASSIFY_PATH = "/api/v1/naics/classify"
AUTOCOMPLETE_PATH = "/api/v1/naics/autocomplete"
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


async def answered(errors: Counter[str], request: Awaitable[httpx.Response]) -> httpx.Response | None:
    """The 200 response of a request to the service, or None with the failure counted by kind."""
    try:
        response = await request
    except httpx.TimeoutException:
        errors["timeout"] += 1
        return None
    except httpx.HTTPError as exc:
        errors[type(exc).__name__] += 1
        return None
    if response.status_code != 200:
        errors[f"http_{response.status_code}"] += 1
        return None
    return response


class ApiRanker:
    """One of the service's endpoints, asked over HTTP like any client would."""

    def __init__(self, client: httpx.AsyncClient, name: str, path: str, params: dict[str, Any]) -> None:
        self.client = client
        self.name = name
        self.path = path
        self.params = params
        self.errors: Counter[str] = Counter()
        # Which back end answered ("opensearch", "memory", or "postgres" on a fallback).
        self.engines: Counter[str] = Counter()

    async def top_codes(self, query: str) -> list[str]:
        response = await answered(self.errors, self.client.get(self.path, params={"q": query, **self.params}))
        if response is None:
            return []
        body = response.json()
        self.engines[str(body.get("engine"))] += 1
        return [str(item["code"]) for item in body.get("items", [])][:DEPTH]


def service_ranker(client: httpx.AsyncClient) -> ApiRanker:
    return ApiRanker(client, "service", SEARCH_PATH, {"level": 6, "limit": DEPTH})


def autocomplete_ranker(client: httpx.AsyncClient) -> ApiRanker:
    return ApiRanker(client, "autocomplete", AUTOCOMPLETE_PATH, {"limit": DEPTH})


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


# The plain BM25 baseline's own index: the text fields only, analysed as in the service's index.
BM25_INDEX = "bench_bm25_naics"


async def bm25_index(client: AsyncOpenSearch, source: str) -> str:
    """Copy the level-6 documents' BM25_FIELDS from the service's index into BM25_INDEX.

    The baseline must not move when the service's index gains matching-only fields: osmem
    counts nested objects (the service's per-keyword elements) as documents in BM25's
    statistics, which real OpenSearch does not (docs/osmem-differences.md); on the service's
    own index that cost the baseline 0.09 of recall@1.
    """
    definition = load_definition("naics")
    kept = [*BM25_FIELDS, "code", "level"]
    properties = {name: definition.mappings["properties"][name] for name in kept}
    await client.indices.delete(index=BM25_INDEX, ignore_unavailable=True)
    await client.indices.create(
        index=BM25_INDEX, body={"settings": definition.settings, "mappings": {"properties": properties}}
    )
    documents = async_scan(client, index=source, query={"query": {"term": {"level": 6}}, "_source": kept})
    await async_bulk(
        client,
        ({"_index": BM25_INDEX, "_id": hit["_id"], "_source": hit["_source"]} async for hit in documents),
        refresh=True,
    )
    return BM25_INDEX


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


class BeaconRanker:
    name = "beacon_style"

    def __init__(self, model: BeaconStyle) -> None:
        self.model = model
        self.errors: Counter[str] = Counter()

    async def top_codes(self, query: str) -> list[str]:
        return self.model.top_codes(query, DEPTH)


class ClassifyRanker:
    """POST /api/v1/naics/classify: the service's five suggestions for a free text."""

    name = "classify"

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.errors: Counter[str] = Counter()

    async def top_codes(self, query: str) -> list[str]:
        response = await answered(self.errors, self.client.post(CLASSIFY_PATH, json={"text": query}))
        if response is None:
            return []
        return [str(s["code"]) for s in response.json()["suggestions"]]


async def keystrokes_needed(ranker: Ranker, query: str, code: str, within: int = 5) -> int | None:
    """How many characters of the query are typed before the code shows in the top ``within``."""
    for n in range(1, len(query) + 1):
        if query[n - 1].isspace():
            continue  # a space alone changes nothing a person would wait for
        if code in (await ranker.top_codes(query[:n]))[:within]:
            return n
    return None


async def rank_all(ranker: Ranker, queries: Sequence[str], concurrency: int) -> list[list[str]]:
    """Every query's top codes, in query order, at most `concurrency` in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def one(query: str) -> list[str]:
        async with gate:
            return await ranker.top_codes(query)

    return list(await asyncio.gather(*(one(q) for q in queries)))
