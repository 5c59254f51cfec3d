"""NAICS search and autocomplete through the API, with the engine and with the PostgreSQL fallback.

Every test that is about relevance runs against both back ends: the fallback must give the
same tiers (scores and match types) for the same query.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.search.conftest import SearchWorld, rule_items

SEARCH = "/api/v1/naics/search"
AUTOCOMPLETE = "/api/v1/naics/autocomplete"
ITEM_FIELDS = {
    "code",
    "display_code",
    "title",
    "level",
    "sector",
    "sector_title",
    "category",
    "score",
    "match_type",
}

pytestmark = pytest.mark.parametrize("engine", ["opensearch", "postgres"])


async def get(
    world: SearchWorld, engine: str, path: str, *, asked: bool = True, **params: Any
) -> dict[str, Any]:
    """GET on the API with (opensearch) or without (postgres) a live engine.

    asked=False: the request may not need either back end (a blank autocomplete) or may
    legitimately time out on the engine and be answered by the fallback.
    """
    client = world.search if engine == "opensearch" else world.fallback
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    if asked:
        assert body["engine"] == engine
    return body


def ranked(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(i["code"], i["score"], i["match_type"]) for i in body["items"]]


def rule_ranked(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    """As ranked, without the classifier's guesses after the rule tiers."""
    return [(i["code"], i["score"], i["match_type"]) for i in rule_items(body)]


@pytest.mark.parametrize(
    ("query", "code", "score", "match_type"),
    [
        ("541511", "541511", 100, "exact_code"),
        ("54151", "541511", 90, "code_prefix"),
        ("Software Publishers", "513210", 85, "exact_title"),
        ("custom computer p", "541511", 80, "title_prefix"),
        ("app development", "541511", 75, "exact_alias"),
        ("dentistry", "621210", 70, "exact_keyword"),
        ("programming custom", "541511", 60, "title_contains"),
        ("sit down", "722511", 55, "alias_contains"),
        ("pizza", "722513", 50, "keyword_contains"),
        ("waitress", "722511", 40, "description_contains"),
        ("orthodontcs", "621210", 30, "fuzzy"),
    ],
)
async def test_each_tier_has_its_exact_score_and_name(
    search_world: SearchWorld, engine: str, query: str, code: str, score: int, match_type: str
) -> None:
    body = await get(search_world, engine, SEARCH, q=query)
    assert ranked(body)[0] == (code, score, match_type)
    assert set(body["items"][0]) == ITEM_FIELDS


async def test_words_match_where_words_start(search_world: SearchWorld, engine: str) -> None:
    # "dent" finds the dentists; "pendent" does not drag them in through "independent practice".
    assert "621210" in [code for code, _, _ in ranked(await get(search_world, engine, SEARCH, q="dent"))]
    assert "621210" not in [
        code for code, _, _ in rule_ranked(await get(search_world, engine, SEARCH, q="pendent"))
    ]


async def test_a_word_the_catalogue_never_uses_does_not_empty_the_results(
    search_world: SearchWorld, engine: str
) -> None:
    # "drones" is nowhere in the catalogue; "pizza delivery" is a keyword of 722513.
    assert ranked(await get(search_world, engine, SEARCH, q="pizza delivery drones"))[0] == (
        "722513",
        20,
        "some_words",
    )
    # Stop words never make a partial match.
    assert (await get(search_world, engine, SEARCH, q="zzzz of the"))["items"] == []


async def test_what_a_code_excludes_is_not_one_of_its_words(search_world: SearchWorld, engine: str) -> None:
    # 512131 is "Motion Picture Theaters (except Drive-Ins)": not a drive-in theater, though
    # its title holds both words.
    drive_in = ranked(await get(search_world, engine, SEARCH, q="drive-in theaters"))
    assert drive_in[0][:2] == ("512132", 60)
    assert [tier for code, _, tier in drive_in if code == "512131"] == ["some_words"]


async def test_must_show_queries(search_world: SearchWorld, engine: str) -> None:
    assert ranked(await get(search_world, engine, SEARCH, q="541511"))[0] == ("541511", 100, "exact_code")
    publishers = ranked(await get(search_world, engine, SEARCH, q="Software Publishers"))
    assert ("513210", 85, "exact_title") in publishers
    assert {s for _, s, _ in publishers[:2]} == {85}
    softw = ranked(await get(search_world, engine, SEARCH, q="softw"))[:3]
    assert ("513210", 80, "title_prefix") in softw
    dentist = await get(search_world, engine, SEARCH, q="dentist")
    assert "621210" in [i["code"] for i in dentist["items"][:5]]


async def test_ties_break_on_relevance_then_code(search_world: SearchWorld, engine: str) -> None:
    # Both titles are "Software Publishers"; only 513210 says "software" elsewhere too, so
    # relevance puts it above 5132 although its code sorts after.
    assert ranked(await get(search_world, engine, SEARCH, q="software"))[:2] == [
        ("513210", 80, "title_prefix"),
        ("5132", 80, "title_prefix"),
    ]
    # Equal relevance (a code query): code order.
    assert ranked(await get(search_world, engine, SEARCH, q="5415")) == [
        ("5415", 100, "exact_code"),
        ("541511", 90, "code_prefix"),
        ("541512", 90, "code_prefix"),
        ("541513", 90, "code_prefix"),
        ("541519", 90, "code_prefix"),
    ]


async def test_typos_find_their_industry(search_world: SearchWorld, engine: str) -> None:
    sofware = rule_ranked(await get(search_world, engine, SEARCH, q="sofware"))
    assert ("513210", 30, "fuzzy") in sofware
    assert {s for _, s, _ in sofware} == {30}
    resturant = await get(search_world, engine, SEARCH, q="resturant")
    codes = [i["code"] for i in resturant["items"]]
    assert codes and all(c.startswith("7225") for c in codes)
    assert {"722511", "722513"} <= set(codes)
    # Accents, case and punctuation do not matter.
    assert ranked(await get(search_world, engine, SEARCH, q="  CAFE!! "))[1] == ("722515", 75, "exact_alias")
    assert ranked(await get(search_world, engine, SEARCH, q="full-service RESTAURANTS"))[0] == (
        "722511",
        85,
        "exact_title",
    )


async def test_a_query_that_matches_nothing_is_an_empty_list(search_world: SearchWorld, engine: str) -> None:
    body = await get(search_world, engine, SEARCH, q="xqzvw plomb")
    assert body["items"] == [] and body["total"] == 0
    assert all(buckets == [] for buckets in body["facets"].values())


async def test_blank_query_lists_every_code_in_code_order(search_world: SearchWorld, engine: str) -> None:
    body = await get(search_world, engine, SEARCH, q="", limit=100)
    assert body["total"] == 1436
    codes = [i["code"] for i in body["items"]]
    assert len(codes) == 100 and codes == sorted(codes) and codes[0] == "11"
    assert {(i["score"], i["match_type"]) for i in body["items"]} == {(0, "browse")}
    page2 = await get(search_world, engine, SEARCH, limit=100, offset=100)
    assert page2["items"][0]["code"] > codes[-1]


async def test_sector_facet_ignores_its_own_filter(search_world: SearchWorld, engine: str) -> None:
    everything = await get(search_world, engine, SEARCH, q="software")
    chosen = await get(search_world, engine, SEARCH, q="software", sector="54")
    assert {i["sector"] for i in chosen["items"]} == {"54"}
    assert chosen["total"] == 2 < everything["total"]
    # The sector facet still shows every sector's count...
    assert chosen["facets"]["sector"] == everything["facets"]["sector"]
    assert {"value": "54", "label": "Professional, Scientific, and Technical Services", "count": 2} in chosen[
        "facets"
    ]["sector"]
    # ...while the other facets count only sector 54.
    assert sum(b["count"] for b in chosen["facets"]["level"]) == 2
    assert chosen["facets"]["level"] == [{"value": 6, "label": "National Industry", "count": 2}]


async def test_filters_combine_and_sector_ranges_are_one_sector(
    search_world: SearchWorld, engine: str
) -> None:
    totals = []
    for sector in ("31", "32", "33", "31-33"):
        body = await get(search_world, engine, SEARCH, q="", sector=sector, level="2")
        assert [(i["code"], i["display_code"]) for i in body["items"]] == [("31", "31-33")]
        totals.append(body["total"])
    assert totals == [1, 1, 1, 1]
    body = await get(search_world, engine, SEARCH, q="restaurant", category="hospitality", level=["4", "6"])
    assert {(i["category"], i["level"]) for i in body["items"]} <= {("hospitality", 4), ("hospitality", 6)}
    assert body["total"] == 3
    several = await get(search_world, engine, SEARCH, q="", sector=["54", "62"], limit=100)
    assert {i["sector"] for i in several["items"]} == {"54", "62"}


@pytest.mark.parametrize(
    "params", [{"sector": "99"}, {"sector": "banana"}, {"category": "nope"}, {"level": "abc"}, {"level": "7"}]
)
async def test_unknown_filter_values_are_refused_naming_the_parameter(
    search_world: SearchWorld, engine: str, params: dict[str, str]
) -> None:
    # A filter value no code can have is a mistake to name, not an empty page (issue 14).
    client = search_world.search if engine == "opensearch" else search_world.fallback
    response = await client.get(SEARCH, params={"q": "software", **params})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == next(iter(params))


@pytest.mark.parametrize(
    "query",
    [
        '(( AND "',
        'title:"software" OR code:*',
        "soft* AND NOT ~2 ^3 \\ / [a TO z] {x} <script>",
        "'; DROP TABLE naics_codes; --",
        "% _ \\% LIKE",
        "🦷 dentist 🦷",
        "牙医 Zahnärztin стоматолог",
        "tab\tnew\nline\r\x0b\x1f end",
        "\x00",
        "a b c d e f g h i j k l m n o p",
        "x" * 200,
    ],
)
async def test_hostile_queries_are_answered(search_world: SearchWorld, engine: str, query: str) -> None:
    for path in (SEARCH, AUTOCOMPLETE):
        body = await get(search_world, engine, path, q=query, asked=False)
        assert isinstance(body["items"], list)


async def test_autocomplete_is_lean_and_tiered(search_world: SearchWorld, engine: str) -> None:
    body = await get(search_world, engine, AUTOCOMPLETE, q="softw", limit=3)
    assert set(body) == {"items", "total", "engine", "corrected_query"}
    full = await get(search_world, engine, SEARCH, q="softw", limit=3)
    # The same first places as a full search; the typo tier was not needed to fill them,
    # so its matches are not counted.
    assert ranked(body) == ranked(full)
    assert 3 <= body["total"] < full["total"]
    assert ("513210", 80, "title_prefix") in ranked(body)
    # When the stronger tiers find nothing, the typo tier answers.
    typo = await get(search_world, engine, AUTOCOMPLETE, q="sofware", limit=3)
    assert ranked(typo)[0][1:] == (30, "fuzzy")
    assert set(body["items"][0]) == ITEM_FIELDS
    assert len((await get(search_world, engine, AUTOCOMPLETE, q="s", limit=20))["items"]) == 20
    blank = await get(search_world, engine, AUTOCOMPLETE, q="  ", asked=False)
    assert blank["items"] == [] and blank["total"] == 0
