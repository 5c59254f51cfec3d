"""Facet counts of filter-only searches are cached per index generation: repeated browsing
skips the engine's aggregations, and any write the indexer applies shows in the next counts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.asgi import create_app
from app.config import Settings
from app.experiences.types import ExperienceType
from app.search.definitions import alias_name
from app.services.facet_cache import FacetCache
from indexer.worker import OutboxWorker
from tests.support.rows import add_experience, add_user

SEARCH = "/api/v1/experiences/search"


def counts(body: dict[str, Any], facet: str) -> dict[str, int]:
    return {b["value"]: b["count"] for b in body["facets"][facet]}


async def browse(client: AsyncTestClient[Litestar], **params: Any) -> dict[str, Any]:
    response = await client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "opensearch"
    return body


async def test_browsing_reuses_counts_until_a_write_reaches_the_index(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    search: AsyncOpenSearch,
    worker: OutboxWorker,
    monkeypatch: Any,
) -> None:
    async with sessions() as session:
        ada = await add_user(session)
        await add_experience(session, ada, "Welder", ExperienceType.FULL_TIME)
        await add_experience(session, ada, "Barista", ExperienceType.PART_TIME)
    await worker.drain()
    await search.indices.refresh(index=alias_name("experiences", settings.index_prefix))

    aggregations: list[dict[str, Any]] = []
    engine_search = app.state.search.search

    async def spy(*args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("body") or {}
        if any("values" in agg.get("aggs", {}) for agg in body.get("aggs", {}).values()):
            aggregations.append(body)
        return await engine_search(*args, **kwargs)

    monkeypatch.setattr(app.state.search, "search", spy)
    cache: FacetCache = app.state.facet_cache

    first = await browse(client, category="workplace")
    assert counts(first, "experience_type") == {"full_time": 1, "part_time": 1}
    again = await browse(client, category="workplace")
    assert again["facets"] == first["facets"]
    assert len(aggregations) == 1  # the second browse took its counts from the cache
    assert cache.hits == 1

    async with sessions() as session:
        await add_experience(session, ada, "Electrician", ExperienceType.FULL_TIME)
    await worker.drain()
    await search.indices.refresh(index=alias_name("experiences", settings.index_prefix))

    after = await browse(client, category="workplace")
    assert counts(after, "experience_type") == {"full_time": 2, "part_time": 1}
    assert after["total"] == 3
    assert len(aggregations) == 2


async def test_a_text_query_never_takes_cached_counts(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    search: AsyncOpenSearch,
    worker: OutboxWorker,
) -> None:
    async with sessions() as session:
        ada = await add_user(session)
        await add_experience(session, ada, "Welder", ExperienceType.FULL_TIME)
        await add_experience(session, ada, "Barista", ExperienceType.PART_TIME)
    await worker.drain()
    await search.indices.refresh(index=alias_name("experiences", settings.index_prefix))

    await browse(client)
    texted = await browse(client, q="welder")
    assert counts(texted, "experience_type") == {"full_time": 1}


async def test_postgres_browse_counts_follow_each_write(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        ada = await add_user(session)
        await add_experience(session, ada, "Welder", ExperienceType.FULL_TIME)
    fallback = create_app(replace(settings, opensearch_url="http://127.0.0.1:9"))
    async with AsyncTestClient(app=fallback) as client:

        async def browse_pg() -> dict[str, Any]:
            response = await client.get(SEARCH, params={"category": "workplace"})
            assert response.status_code == 200
            body = response.json()
            assert body["engine"] == "postgres"
            return body

        first = await browse_pg()
        assert counts(first, "experience_type") == {"full_time": 1}
        assert (await browse_pg())["facets"] == first["facets"]
        async with sessions() as session:
            await add_experience(session, ada, "Barista", ExperienceType.PART_TIME)
        after = await browse_pg()
        assert counts(after, "experience_type") == {"full_time": 1, "part_time": 1}
        assert after["total"] == 2


async def test_an_expired_postgres_cube_is_re_read_without_holding_a_browse(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], monkeypatch: Any
) -> None:
    # At 100,000 experiences re-reading the counts takes most of a second: when only their TTL
    # ended (same generation), browsing answers from them and the re-read runs behind it.
    from app.services import experience_search

    async with sessions() as session:
        ada = await add_user(session)
        await add_experience(session, ada, "Welder", ExperienceType.FULL_TIME)
    now = [0.0]
    reads: list[str] = []
    release = asyncio.Event()
    read_cube = experience_search.experience_cube

    async def slow_cube(session: AsyncSession) -> Any:
        reads.append("read")
        if len(reads) > 1:
            await release.wait()
        return await read_cube(session)

    monkeypatch.setattr(experience_search, "experience_cube", slow_cube)
    fallback = create_app(replace(settings, opensearch_url="http://127.0.0.1:9"))
    async with AsyncTestClient(app=fallback) as client:
        fallback.state.facet_cache = FacetCache(clock=lambda: now[0])
        first = await client.get(SEARCH, params={"category": "workplace"})
        assert first.json()["total"] == 1 and reads == ["read"]

        now[0] += 3600  # the TTL ended; nothing was written
        second = await asyncio.wait_for(client.get(SEARCH, params={"category": "workplace"}), timeout=30)
        assert second.json()["facets"] == first.json()["facets"]
        # The re-read starts behind that answer (its session connects first), and stays blocked.
        for _ in range(100):
            if len(reads) > 1:
                break
            await asyncio.sleep(0.05)
        assert reads == ["read", "read"]
        release.set()
        for _ in range(100):
            if not experience_search._CUBE_REFRESH:
                break
            await asyncio.sleep(0.05)
        assert not experience_search._CUBE_REFRESH
