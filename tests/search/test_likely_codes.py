"""The classifier's likeliest codes for a search come first inside their tier, on both back ends.

A tier can hold hundreds of codes ("equipment manufacturing" is in dozens of titles, and one of
its words in hundreds): the service names the classifier's likeliest codes
(services.naics_classifier.LIKELY_CODES) and both back ends rank them first inside their own
tier, never above a better tier, so the first page the service reorders holds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from opensearchpy import AsyncOpenSearch

from app.repositories.naics_search_pg import NaicsFilterValues, search_naics
from app.search.definitions import alias_name
from app.search.naics_queries import build_naics_search
from app.search.naics_results import parse_naics_response
from app.search.text import prepare_query
from app.search.tiers import TIER_BY_NAME, TIERS
from tests.search.conftest import SearchWorld

QUERY = "equipment manufacturing"


async def _engine(world: SearchWorld, likely: Sequence[str]) -> list[tuple[str, str]]:
    client = AsyncOpenSearch(hosts=[world.settings.opensearch_url])
    try:
        body = build_naics_search(QUERY, limit=100, likely=likely)
        response = await client.search(index=alias_name("naics", world.settings.index_prefix), body=body)
    finally:
        await client.close()
    return [(hit.code, hit.match_type) for hit in parse_naics_response(response).items]


async def _postgres(world: SearchWorld, likely: Sequence[str]) -> list[tuple[str, str]]:
    async with world.sessions() as session:
        found = await search_naics(
            session, prepare_query(QUERY), NaicsFilterValues(), limit=100, offset=0, likely=likely
        )
    return [(str(row["code"]), TIERS[row["tier"]].name) for row in found.items]


def _first_of(hits: list[tuple[str, str]], tier: str) -> str:
    return next(code for code, name in hits if name == tier)


async def test_likely_codes_lead_their_tier_and_never_leave_it(search_world: SearchWorld) -> None:
    for ranked in (_engine, _postgres):
        plain = await ranked(search_world, ())
        tier_of = dict(plain)
        best = plain[0][1]
        # The best tier's last code, and the last code listed, of a lower tier.
        last_of_best = [code for code, tier in plain if tier == best][-1]
        last_listed, lower = plain[-1]
        assert last_of_best != plain[0][0] and TIER_BY_NAME[lower].score < TIER_BY_NAME[best].score, plain
        favoured = await ranked(search_world, [last_listed, last_of_best])
        assert {code: tier_of[code] for code in (last_of_best, last_listed)} == {
            code: tier for code, tier in favoured if code in (last_of_best, last_listed)
        }, ranked.__name__
        assert _first_of(favoured, best) == last_of_best, ranked.__name__
        assert _first_of(favoured, lower) == last_listed, ranked.__name__
        # Never above a better tier: the tiers' scores still only go down the list.
        scores = [TIER_BY_NAME[tier].score for _, tier in favoured]
        assert scores == sorted(scores, reverse=True), ranked.__name__
