"""Issue 12's text matching through the API: former and SIC codes, inflections, compounds,
abbreviations, typos that rank (did-you-mean) and explain=true.

Code, folding and compound behaviour runs on every back end (engine, PostgreSQL fallback,
in-memory autocomplete); the agreement tests (test_fallback_agreement, test_typeahead) hold
them to the same tiers. Typos are corrected from the in-memory index's vocabulary, which the
default configuration has (`search_world.typeahead`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.config import Settings
from tests.search.conftest import DEAD_SEARCH_URL, SearchWorld, rule_items

SEARCH = "/api/v1/naics/search"
AUTOCOMPLETE = "/api/v1/naics/autocomplete"
BACK_ENDS = ["search", "fallback", "typeahead"]


def _client(world: SearchWorld, back_end: str) -> AsyncTestClient[Any]:
    return getattr(world, back_end)


async def _get(client: AsyncTestClient[Any], path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _tiers_never_rise(body: dict[str, Any]) -> None:
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("back_end", BACK_ENDS)
@pytest.mark.parametrize("path", [SEARCH, AUTOCOMPLETE])
async def test_a_2017_code_that_changed_answers_its_2022_successor(
    search_world: SearchWorld, back_end: str, path: str
) -> None:
    body = await _get(_client(search_world, back_end), path, q="511210")
    first = body["items"][0]
    assert (first["code"], first["score"], first["match_type"]) == ("513210", 95, "former_code")
    assert first["source_code"] == {"scheme": "naics2017", "code": "511210"}
    # A code that exists today is still itself first, with no source code.
    same = (await _get(_client(search_world, back_end), path, q="513210"))["items"][0]
    assert (same["code"], same["match_type"]) == ("513210", "exact_code") and "source_code" not in same


@pytest.mark.parametrize("back_end", BACK_ENDS)
@pytest.mark.parametrize("query", ["SIC 7372", "sic:7372"])
async def test_a_sic_code_answers_the_naics_codes_it_maps_to(
    search_world: SearchWorld, back_end: str, query: str
) -> None:
    body = await _get(_client(search_world, back_end), SEARCH, q=query)
    hits = [i for i in body["items"] if i["match_type"] == "sic_code"]
    assert {i["code"] for i in hits} == {"513210", "334610"}
    assert body["items"][: len(hits)] == hits  # above every text tier
    assert {i["score"] for i in hits} == {93}
    assert {(i["source_code"]["scheme"], i["source_code"]["code"]) for i in hits} == {("sic", "7372")}


@pytest.mark.parametrize("back_end", BACK_ENDS)
async def test_singular_and_plural_meet_in_the_title_tiers(search_world: SearchWorld, back_end: str) -> None:
    client = _client(search_world, back_end)
    pharmacy = await _get(client, SEARCH, q="pharmacy")
    codes = [i["code"] for i in pharmacy["items"]]
    # Pharmacies and Drug Retailers is a pharmacy: a title match like Pharmacy Benefit
    # Management, and first because the title says little else.
    assert codes.index("456110") < codes.index("524292")
    assert pharmacy["items"][0]["match_type"] == "title_prefix"
    # "pharmacy" is not a prefix of "pharmaceutical" through its root (no rule tier has it; the
    # classifier may still guess it after them).
    assert "325412" not in [i["code"] for i in rule_items(pharmacy)][:5]
    warehouse = await _get(client, SEARCH, q="warehouse")
    warehousing = {i["code"]: i["match_type"] for i in warehouse["items"]}
    assert warehousing["493110"] in {"title_prefix", "title_contains"}  # General Warehousing and Storage
    plural = await _get(client, SEARCH, q="pharmacies benefit")
    assert plural["items"][0]["code"] == "524292"


@pytest.mark.parametrize("back_end", BACK_ENDS)
@pytest.mark.parametrize(
    ("query", "code"),
    [("shipbuilding", "336611"), ("boatbuilding", "336612"), ("mfg", "31"), ("auto repair", "8111")],
)
async def test_compounds_and_abbreviations(
    search_world: SearchWorld, back_end: str, query: str, code: str
) -> None:
    body = await _get(_client(search_world, back_end), SEARCH, q=query)
    assert body["items"][0]["code"] == code
    assert body["corrected_query"] is None
    _tiers_never_rise(body)


@pytest.mark.parametrize("path", [SEARCH, AUTOCOMPLETE])
@pytest.mark.parametrize("typo", ["sofware", "sofftware", "sfotware", "softwarr"])
async def test_any_one_typo_is_corrected_and_ranks_as_the_corrected_words(
    search_world: SearchWorld, path: str, typo: str
) -> None:
    body = await _get(search_world.typeahead, path, q=typo)
    assert body["corrected_query"] == "software"
    first = body["items"][0]
    # Ranked by where the corrected word matched (a title), not in code order.
    assert (first["title"], first["match_type"]) == ("Software Publishers", "title_prefix")
    _tiers_never_rise(body)
    assert body == await _get(search_world.typeahead, path, q="software") | {"corrected_query": "software"}


async def test_a_typo_in_the_word_being_typed_and_in_an_earlier_word(search_world: SearchWorld) -> None:
    typing = await _get(search_world.typeahead, AUTOCOMPLETE, q="custom compt")
    assert typing["corrected_query"] == "custom comp"
    # Custom Computer Programming Services, beside Custom Compounding (the prefix fits both;
    # the learned signal orders the two).
    assert "541511" in [i["code"] for i in typing["items"][:2]]
    earlier = await _get(search_world.typeahead, SEARCH, q="resturant")
    assert earlier["corrected_query"] == "restaurant"
    assert earlier["items"][0]["title"].startswith("Restaurants")
    assert earlier["items"][0]["match_type"] == "title_prefix"


async def test_correct_queries_are_not_corrected(search_world: SearchWorld) -> None:
    for q in ("restaurant", "541511", "softw"):
        assert (await _get(search_world.typeahead, SEARCH, q=q))["corrected_query"] is None


@pytest.mark.parametrize("path", [SEARCH, AUTOCOMPLETE])
async def test_explain_names_tier_field_words_foldings_and_corrections(
    search_world: SearchWorld, path: str
) -> None:
    plain = await _get(search_world.typeahead, path, q="pharmacies")
    assert all("explain" not in item for item in plain["items"])
    body = await _get(search_world.typeahead, path, q="pharmacies", explain="true")
    first = body["items"][0]
    explain = first["explain"]
    assert explain["tier"] == first["match_type"] and explain["field"] == "title"
    assert {"kind": "inflection", "from": "pharmacies", "to": "pharmac"} in explain["foldings"]
    assert explain["corrections"] == [] and "learned" in explain["signals"]
    typo = await _get(search_world.typeahead, path, q="resturant", explain="true")
    fix = typo["items"][0]["explain"]["corrections"][0]
    assert (fix["from"], fix["to"]) == ("resturant", "restaurant")
    assert fix["field_weight"] >= 1 and fix["frequency"] >= 1
    compound = await _get(search_world.typeahead, path, q="shipbuilding", explain="true")
    rewrite = {"kind": "rewrite", "from": "shipbuilding", "to": "ship building"}
    assert rewrite in compound["items"][0]["explain"]["foldings"]
    company = await _get(search_world.typeahead, path, q="software company", explain="true")
    generic = {"kind": "generic_words", "from": "software company", "to": "software"}
    assert generic in company["items"][0]["explain"]["foldings"]


async def test_explain_on_the_engine_shows_its_tie_break(search_world: SearchWorld) -> None:
    body = await _get(search_world.search, SEARCH, q="software", explain="true")
    assert all(item["explain"]["signals"]["relevance"] > 0 for item in body["items"][:3])


async def test_engine_typo_tier_ranks_by_where_and_how_close(search_world: SearchWorld) -> None:
    # Two typos: beyond the speller, the engine's fuzzy tier answers. Code order would put
    # 423430 (Computer ... Software Merchant Wholesalers) first; the title that is the word wins.
    body = await _get(search_world.search, SEARCH, q="sftwre", explain="true")
    assert {i["match_type"] for i in body["items"]} == {"fuzzy"}
    assert body["items"][0]["title"] == "Software Publishers"
    # Inside the tier the learned signal orders the hits; the engine's relevance is shown beside.
    learned = [i["explain"]["signals"]["learned"] for i in body["items"]]
    assert learned == sorted(learned, reverse=True)
    assert all("relevance" in i["explain"]["signals"] for i in body["items"])


@pytest.fixture(scope="module")
async def fallback_with_speller(search_world: SearchWorld) -> AsyncIterator[AsyncTestClient[Any]]:
    """The default configuration (in-memory index and its speller) with the engine unreachable."""
    from app.asgi import create_app

    settings = replace(
        search_world.settings,
        opensearch_url=DEAD_SEARCH_URL,
        typeahead_refresh_seconds=Settings.typeahead_refresh_seconds,
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        # As search_world does: searches never wait for the first training.
        trained = await client.post("/api/v1/naics/classify", json={"text": "software"})
        assert trained.json()["suggestions"], trained.text
        yield client


@pytest.mark.parametrize("engine_up", [True, False], ids=["engine", "fallback"])
async def test_a_word_the_catalogue_writes_is_not_a_typo(
    search_world: SearchWorld, fallback_with_speller: AsyncTestClient[Any], engine_up: bool
) -> None:
    # Both words are the catalogue's. Current-Carrying Wiring Device Manufacturing holds a word
    # within the typo tier's edits of each ("carrying", "device"): read as two typos, it came
    # first, above every code that quarries.
    client = search_world.typeahead if engine_up else fallback_with_speller
    # The whole tier (inside it PostgreSQL's ts_rank, unlike BM25, puts no rare word first).
    body = await _get(client, SEARCH, q="quarrying service", level=6, limit=100)
    assert body["engine"] == ("opensearch" if engine_up else "postgres")
    assert body["corrected_query"] is None
    assert "335931" not in [i["code"] for i in body["items"]]
    assert "fuzzy" not in {i["match_type"] for i in body["items"]}
    assert any("quarrying" in i["title"].lower() for i in body["items"] if i["match_type"] == "some_words")
    _tiers_never_rise(body)
    # A word the catalogue does not write still gets the typo tier's edits.
    typo = await _get(client, SEARCH, q="sftwre publishers")
    assert (typo["items"][0]["title"], typo["items"][0]["match_type"]) == ("Software Publishers", "fuzzy")


@pytest.mark.parametrize("engine_up", [True, False], ids=["engine", "fallback"])
async def test_a_typo_beside_a_word_the_catalogue_never_writes_still_suggests(
    search_world: SearchWorld, fallback_with_speller: AsyncTestClient[Any], engine_up: bool
) -> None:
    # "blockchain" is in no row and close to no word; "sofware" is a typo. As typed, no tier
    # matches (some_words wants half the words, fuzzy every word); corrected, "software" is
    # half of them. The picker lists what a search lists, and says it corrected.
    client = search_world.typeahead if engine_up else fallback_with_speller
    typed = "blockchain sofware"
    suggested = await _get(client, AUTOCOMPLETE, q=typed, limit=10)
    searched = await _get(client, SEARCH, q=typed, limit=10)
    assert suggested["engine"] == ("opensearch" if engine_up else "postgres")
    assert suggested["corrected_query"] == searched["corrected_query"] == "blockchain software"
    rules = [(i["code"], i["match_type"]) for i in suggested["items"] if i["match_type"] != "classifier"]
    assert rules and {t for _, t in rules} == {"some_words"}
    assert "513210" in [code for code, _ in rules]


async def test_a_correction_is_taken_when_it_does_as_well_as_the_typed_words(
    search_world: SearchWorld,
) -> None:
    # No code is both a dentist and a bakery: as typed, only "bakeries" matches (some_words),
    # and corrected, "dentist" matches too, in the same tier. The corrected query is still
    # the one the person meant, so it answers.
    body = await _get(search_world.typeahead, SEARCH, q="dentst bakeries", level=6)
    assert body["corrected_query"] == "dentist bakeries"
    assert {i["match_type"] for i in body["items"]} <= {"some_words", "classifier"}
    assert "Offices of Dentists" in [i["title"] for i in body["items"]]


@pytest.mark.parametrize("back_end", BACK_ENDS)
async def test_a_keyword_match_needs_every_word_in_one_keyword(
    search_world: SearchWorld, back_end: str
) -> None:
    # Offices of Dentists has the keywords "dentistry", "orthodontics" and "oral surgery".
    client = _client(search_world, back_end)
    one = await _get(client, AUTOCOMPLETE, q="surgery oral", level=6)
    assert [(i["code"], i["match_type"]) for i in one["items"]][:1] == [("621210", "keyword_contains")]
    # Two of its keywords, not one: the seed's "keyword contains query" is not met. Before,
    # "water utility" was a keyword match for a code selling "personal watercraft" and
    # "utility trailers", ranked above the water utilities.
    two = await _get(client, SEARCH, q="dentistry surgery", level=6)
    found = {i["code"]: i["match_type"] for i in two["items"]}
    assert found.get("621210") not in {None, "keyword_contains"}, found
    _tiers_never_rise(two)


async def test_words_the_catalogue_writes_are_never_the_typo_tier(search_world: SearchWorld) -> None:
    # With the speller (the default configuration), both words are known: no typo tier, so a
    # row holding them in different places is a some_words hit, ordered by how many it holds.
    body = await _get(search_world.typeahead, SEARCH, q="dentistry surgery", level=6, explain="true")
    assert body["engine"] == "opensearch"
    assert body["items"][0]["code"] == "621210"
    assert {i["match_type"] for i in body["items"]} <= {"some_words", "classifier"}
    # A word the catalogue does not write still may be a typo.
    typo = await _get(search_world.typeahead, SEARCH, q="dentistry surgrey", level=6)
    assert typo["corrected_query"] == "dentistry surgery" or typo["items"][0]["match_type"] == "fuzzy"
