"""Hedged searches through the API: a hung engine is overtaken by PostgreSQL, whose session
handling survives the race; the breaker then keeps PostgreSQL answering until a probe succeeds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from app.services.search_fallback import SearchHedge, search_session
from tests.search.conftest import SearchWorld


@pytest.fixture
def hung_engine(search_world: SearchWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The engine of the `search` app never answers; a fresh, impatient hedge for that app."""
    state = search_world.search.app.state
    calls: list[int] = []

    async def hang(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        await asyncio.Event().wait()

    monkeypatch.setattr(state.search, "search", hang)
    monkeypatch.setattr(state, "hedge", SearchHedge(floor=0.01, ceiling=0.05, losses=2, probe_seconds=3600))
    yield calls


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/experiences/search", {"q": "software"}),
        ("/api/v1/experiences/search", {"category": "workplace"}),
        ("/api/v1/naics/search", {"q": "dentist"}),
        ("/api/v1/naics/search", {}),
    ],
)
async def test_a_hung_engine_is_overtaken_by_postgres_with_the_same_answer(
    search_world: SearchWorld, hung_engine: list[int], path: str, params: dict[str, Any]
) -> None:
    hedged = await search_world.search.get(path, params=params)
    fallback = await search_world.fallback.get(path, params=params)
    assert hedged.status_code == fallback.status_code == 200
    assert hedged.json()["engine"] == "postgres"
    assert hedged.json() == fallback.json()
    assert hung_engine  # the engine was asked first


async def test_after_repeated_losses_searches_skip_the_engine(
    search_world: SearchWorld, hung_engine: list[int]
) -> None:
    for _ in range(2):
        await search_world.search.get("/api/v1/experiences/search", params={"q": "nurse"})
    asked = len(hung_engine)
    response = await search_world.search.get("/api/v1/experiences/search", params={"q": "nurse"})
    assert response.json()["engine"] == "postgres"
    assert len(hung_engine) == asked


async def test_a_cancelled_fallback_query_leaves_the_pool_usable(search_world: SearchWorld) -> None:
    started = asyncio.Event()

    async def long_query() -> None:
        async with search_session(search_world.sessions) as session:
            await session.execute(text("SELECT 1"))
            started.set()
            await session.execute(text("SELECT pg_sleep(30)"))

    task = asyncio.ensure_future(long_query())
    await started.wait()
    await asyncio.sleep(0.05)  # let the statement reach the server
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(3):
        async with search_world.sessions() as session:
            assert await session.scalar(text("SELECT 1")) == 1
