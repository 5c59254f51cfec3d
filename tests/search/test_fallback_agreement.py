"""The PostgreSQL fallback gives the same tiers as the engine for the same query.

Same total, the same codes in each tier and the same (score, match_type) sequence; inside a
tier the order may differ where the engine's BM25 and PostgreSQL's ts_rank disagree on a
near tie, so only the first hit is compared when it stands alone in its tier, and when the
page is cut (more than 100 hits) the last tier on it is not compared code for code.
"""

from __future__ import annotations

import pytest

from tests.search.conftest import SearchWorld
from tests.support.search_queries import QUERIES, tiers


@pytest.mark.parametrize("query", QUERIES)
async def test_same_query_same_tiers(search_world: SearchWorld, query: str) -> None:
    params = {"q": query, "limit": 100}
    engine = (await search_world.search.get("/api/v1/naics/search", params=params)).json()
    fallback = (await search_world.fallback.get("/api/v1/naics/search", params=params)).json()
    assert (engine["engine"], fallback["engine"]) == ("opensearch", "postgres")
    assert engine["total"] == fallback["total"]
    assert [(i["score"], i["match_type"]) for i in engine["items"]] == [
        (i["score"], i["match_type"]) for i in fallback["items"]
    ]
    engine_tiers, fallback_tiers = tiers(engine), tiers(fallback)
    if engine["total"] > len(engine["items"]):
        cut = min(engine_tiers)
        del engine_tiers[cut], fallback_tiers[cut]
    assert engine_tiers == fallback_tiers
    if engine["items"] and len(tiers(engine)[engine["items"][0]["score"]]) == 1:
        assert engine["items"][0]["code"] == fallback["items"][0]["code"]
    assert engine["facets"] == fallback["facets"]


@pytest.mark.parametrize("params", [{"q": "services", "sector": "54"}, {"q": "", "level": "2"}, {"q": "32"}])
async def test_same_totals_and_facets_on_large_results(
    search_world: SearchWorld, params: dict[str, str]
) -> None:
    engine = (await search_world.search.get("/api/v1/naics/search", params=params)).json()
    fallback = (await search_world.fallback.get("/api/v1/naics/search", params=params)).json()
    assert engine["total"] == fallback["total"] > 0
    assert engine["facets"] == fallback["facets"]


async def test_autocomplete_agrees(search_world: SearchWorld) -> None:
    for query in ("softw", "dent", "restaur", "54"):
        params = {"q": query, "limit": 20}
        engine = (await search_world.search.get("/api/v1/naics/autocomplete", params=params)).json()
        fallback = (await search_world.fallback.get("/api/v1/naics/autocomplete", params=params)).json()
        assert engine["total"] == fallback["total"]
        assert [i["score"] for i in engine["items"]] == [i["score"] for i in fallback["items"]]
