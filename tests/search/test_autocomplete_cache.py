"""Autocomplete reuses an answer for the same normalised text for AUTOCOMPLETE_CACHE_SECONDS."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.search.conftest import SearchWorld

AUTOCOMPLETE = "/api/v1/naics/autocomplete"


@pytest.mark.parametrize(("seconds", "engine_calls"), [(30, 2), (0, 4)])
async def test_repeated_keystrokes_reach_the_engine_once(
    search_world: SearchWorld, seconds: int, engine_calls: int
) -> None:
    from app.asgi import create_app

    app = create_app(replace(search_world.settings, autocomplete_cache_seconds=seconds))
    async with AsyncTestClient(app=app) as client:
        engine = app.state.search
        real_search = engine.search
        calls = 0

        async def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await real_search(*args, **kwargs)

        engine.search = counted
        # Case, spacing and punctuation do not change what is searched; the limit does.
        bodies = [
            (await client.get(AUTOCOMPLETE, params={"q": q, "limit": 5})).json()
            for q in ("Dent", "dent ", "DENT!")
        ]
        other_limit = (await client.get(AUTOCOMPLETE, params={"q": "dent", "limit": 2})).json()
    assert bodies[0]["items"] and bodies[0] == bodies[1] == bodies[2]
    assert other_limit["items"] == bodies[0]["items"][:2]
    assert calls == engine_calls


async def test_refused_input_never_gets_a_cached_answer(search_world: SearchWorld) -> None:
    # "x" * 40 and "x" * 201 normalise to the same words; only the first is valid.
    client = search_world.search
    assert (await client.get(AUTOCOMPLETE, params={"q": "x" * 40})).status_code == 200
    refused = await client.get(AUTOCOMPLETE, params={"q": "x" * 201})
    assert refused.status_code == 422 and refused.json()["field"] == "q"
