"""In-memory autocomplete: the same tiers as the engine, kept fresh, and up when either back end is down."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.config import Settings
from app.limits import MAX_PAGE_SIZE
from app.models import NaicsCode
from app.search.naics_document import build_naics_document
from app.search.text import prepare_query
from app.search.typeahead import TypeaheadIndex, _add, _levels
from tests.search.conftest import DEAD_SEARCH_URL, SearchWorld, rule_items
from tests.support.search_queries import QUERIES, tiers
from tests.support.waiting import eventually

AUTOCOMPLETE = "/api/v1/naics/autocomplete"
SEARCH = "/api/v1/naics/search"
# What people send while typing, on top of the agreement queries of the full search.
KEYSTROKES = ["s", "so", "sof", "dent", "restaur", "offices of d", "food s", "3", "31-", "7225", "cafe"]


async def autocomplete(client: AsyncTestClient[Any], q: str, limit: int = 20) -> dict[str, Any]:
    response = await client.get(AUTOCOMPLETE, params={"q": q, "limit": limit})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("query", [*QUERIES, *KEYSTROKES])
async def test_memory_gives_the_engines_tiers(search_world: SearchWorld, query: str) -> None:
    memory = await autocomplete(search_world.typeahead, query)
    engine = await autocomplete(search_world.search, query)
    assert engine["engine"] == "opensearch"
    if memory["corrected_query"] is not None:
        # A typo the index corrected (the engine-only client has no vocabulary to correct
        # with): the memory answer is the engine's answer to the corrected query.
        engine = await autocomplete(search_world.search, memory["corrected_query"])
    if memory["engine"] != "memory":
        # Nothing in the cheap tiers and a word that may be a typo: the engine's broad tiers
        # answered. The index's speller knows which words the catalogue writes, and those are
        # no typos (PreparedQuery.may_have_typos), so its typo tier may hold fewer rows.
        if "fuzzy" in {i["match_type"] for i in engine["items"]}:
            assert memory["total"] <= engine["total"]
        else:
            assert memory == engine
        return
    if not rule_items(memory) or rule_items(memory)[0]["match_type"] == "some_words":
        # No typo possible: the index answered the broad tiers itself. The engine-only client
        # cannot tell a typo from a catalogue word; the index's client's full search can.
        full = await search_world.typeahead.get(SEARCH, params={"q": query, "limit": MAX_PAGE_SIZE})
        found = {i["code"]: i["match_type"] for i in rule_items(full.json())}
        assert set(found.values()) <= {"some_words"} and len(found) < MAX_PAGE_SIZE
        assert memory["total"] == len(found)
        assert {i["code"] for i in rule_items(memory)} <= set(found)
        return
    assert memory["total"] == engine["total"]
    assert [(i["score"], i["match_type"]) for i in memory["items"]] == [
        (i["score"], i["match_type"]) for i in engine["items"]
    ]
    memory_tiers, engine_tiers = tiers(memory), tiers(engine)
    if engine["total"] > len(engine["items"]):  # the last tier on the page is cut: order decides
        cut = min(engine_tiers)
        del memory_tiers[cut], engine_tiers[cut]
    assert memory_tiers == engine_tiers
    if len(tiers(engine)[engine["items"][0]["score"]]) == 1:
        assert memory["items"][0] == engine["items"][0]


async def test_must_shows_from_memory(search_world: SearchWorld) -> None:
    softw = await autocomplete(search_world.typeahead, "softw", limit=8)
    assert softw["engine"] == "memory"
    first = softw["items"][0]
    assert (first["title"], first["match_type"]) == ("Software Publishers", "title_prefix")
    assert {"5132", "513210"} <= {i["code"] for i in softw["items"][:2]}
    dent = await autocomplete(search_world.typeahead, "dent", limit=8)
    assert "621210" in [i["code"] for i in dent["items"]]
    # A typo is corrected in memory, and the corrected words rank as if typed.
    typo = await autocomplete(search_world.typeahead, "sofware", limit=3)
    assert typo["engine"] == "memory" and typo["corrected_query"] == "software"
    first = typo["items"][0]
    assert (first["title"], first["match_type"]) == ("Software Publishers", "title_prefix")
    # Words of different index items of one code, none a typo: some_words, still in memory.
    apart = await autocomplete(search_world.typeahead, "dentistry surgery", limit=3)
    assert apart["engine"] == "memory"
    assert (apart["items"][0]["code"], apart["items"][0]["match_type"]) == ("621210", "some_words")
    # Nothing to correct it to: the engine's fuzzy tier answers.
    far = await autocomplete(search_world.typeahead, "sxfxware", limit=3)
    assert far["engine"] == "opensearch" and far["corrected_query"] is None


async def test_engine_down_memory_still_answers_every_cheap_tier(search_world: SearchWorld) -> None:
    from app.asgi import create_app

    settings = replace(search_world.settings, opensearch_url=DEAD_SEARCH_URL, typeahead_refresh_seconds=2)
    async with AsyncTestClient(app=create_app(settings)) as client:
        # Classify waits for this process's first training: then both order inside tiers alike.
        assert (await client.post("/api/v1/naics/classify", json={"text": "dentist"})).status_code == 200
        dent = await autocomplete(client, "dent")
        assert dent["engine"] == "memory"
        assert dent["items"] == (await autocomplete(search_world.typeahead, "dent"))["items"]
        # One typo is corrected in memory; more need the typo tiers of a search back end:
        # PostgreSQL's, with the engine's answer.
        typo = await autocomplete(client, "sofware", limit=3)
        assert typo["engine"] == "memory" and typo["corrected_query"] == "software"
        far = await autocomplete(client, "sofwrae", limit=3)
        assert far["engine"] == "postgres"
        assert far["items"] == (await autocomplete(search_world.search, "sofwrae", limit=3))["items"]


async def test_postgres_unreachable_the_engine_answers(search_world: SearchWorld) -> None:
    from app.asgi import create_app

    settings = replace(
        search_world.settings,
        database_url="postgresql://levelith@127.0.0.1:9/none",
        typeahead_refresh_seconds=60,
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        for _ in range(2):  # the second keystroke does not wait for PostgreSQL again
            softw = await autocomplete(client, "softw", limit=3)
            assert softw["engine"] == "opensearch" and softw["items"][0]["title"] == "Software Publishers"


async def test_catalogue_edits_reach_autocomplete(settings: Settings, db_engine: AsyncEngine) -> None:
    from app.asgi import create_app

    # Without the classifier: its retraining would compete with the index's for the CPU.
    fresh = replace(settings, typeahead_refresh_seconds=0.05, classifier_refresh_seconds=0)
    async with AsyncTestClient(app=create_app(fresh)) as client:
        before = await autocomplete(client, "offices of dent")
        # The titles first; the shipped index items bring other codes ("Dental offices") after them.
        assert [i["code"] for i in rule_items(before)][:2] == ["6212", "621210"] and before[
            "engine"
        ] == "memory"

        async with AsyncSession(db_engine) as session, session.begin():
            await session.execute(
                update(NaicsCode).where(NaicsCode.code == "541511").values(keywords=["zorbing apps"])
            )
            await session.execute(update(NaicsCode).where(NaicsCode.code == "6212").values(is_active=False))

        async def edited() -> bool:
            zorb = await autocomplete(client, "zorb")
            dent = await autocomplete(client, "offices of dent")
            return (
                [(i["code"], i["match_type"]) for i in zorb["items"]] == [("541511", "keyword_contains")]
                and [i["code"] for i in dent["items"]][:1] == ["621210"]
                and "6212" not in {i["code"] for i in dent["items"]}
            )

        await eventually(edited, within=10)


def test_inside_a_tier_title_words_outrank_other_fields() -> None:
    def doc(code: str, title: str, keywords: list[str]) -> dict[str, Any]:
        words = sorted({w for k in keywords for w in k.split()})
        return {
            "code": code, "title": title, "title_norm": title.lower(), "level": 6, "category": "health",
            "keywords_norm": keywords, "title_words": title.lower().split(), "keywords_words": words,
            "keywords_elements": [{"words": k.split()} for k in keywords],
        }  # fmt: skip

    index = TypeaheadIndex(
        [
            doc("100001", "Clinics", ["oral dentistry"]),
            doc("100002", "Oral Health Practitioners", ["oral dentistry"]),
            doc("100003", "Dentists", ["oral dentistry"]),
        ]
    )
    found = index.search(prepare_query("oral dent"), 10)
    # All three hold both words in a keyword (no title holds both): one tier. A code whose
    # title holds one of them goes first, even before the code with an equally short title.
    assert [(h.fields["code"], h.tier.name) for h in found.items] == [
        ("100003", "keyword_contains"),
        ("100002", "keyword_contains"),
        ("100001", "keyword_contains"),
    ]
    assert found.total == 3


def test_bit_sliced_counts_group_documents_as_plain_counts_do() -> None:
    rng = random.Random(20261130)
    size = 300
    counts = [0] * size
    planes = [0] * 7
    for _ in range(40):
        members = [i for i in range(size) if rng.random() < 0.3]
        weight = rng.randint(1, 3)
        for j in range(2):
            if weight >> j & 1:
                _add(planes, j, sum(1 << i for i in members))
        for i in members:
            counts[i] += weight
    everyone = (1 << size) - 1
    expected = [
        (value, sum(1 << i for i in range(size) if counts[i] == value))
        for value in sorted(set(counts), reverse=True)
    ]
    assert list(_levels(planes, everyone)) == expected


def _row(code: str, title: str, parent: str | None, sector_title: str, **more: Any) -> dict[str, Any]:
    return build_naics_document(
        {"code": code, "title": title, "level": len(code), "parent_code": parent,
         "sector_title": sector_title, "category": "other", **more}
    )  # fmt: skip


def test_the_titles_above_a_code_count_as_words_it_holds() -> None:
    index = TypeaheadIndex(
        [
            _row("22", "Utilities", None, "Utilities"),
            _row("221", "Utilities", "22", "Utilities"),
            _row("2211", "Electric Power Generation, Transmission and Distribution", "221", "Utilities"),
            _row("221122", "Electric Power Distribution", "2211", "Utilities"),
            _row("23", "Construction", None, "Construction"),
            _row("238", "Specialty Trade Contractors", "23", "Construction"),
            _row("2382", "Building Equipment Contractors", "238", "Construction"),
            _row("238210", "Electrical Contractors", "2382", "Construction", keywords=["Utility wiring"]),
        ]
    )
    codes = ["221122", "2211", "238210", "238", "999999"]
    # "utility" is in no field of the electricity codes, only in the sector's title above them;
    # the contractor holds both words itself (nothing to add), "238" holds neither.
    assert index.broader_coverage(prepare_query("electric utility"), codes) == {"221122": 1, "2211": 1}
    # One content word: no coverage to add to (the engine counts none either).
    assert index.broader_coverage(prepare_query("utility"), codes) == {}


def test_what_a_title_above_excludes_is_not_a_word_below_it() -> None:
    sector = "Other Services (except Public Administration)"
    index = TypeaheadIndex(
        [
            _row("81", sector, None, sector),
            _row("811", "Repair and Maintenance", "81", sector),
            _row("811111", "General Automotive Repair", "811", sector),
        ]
    )
    # "services" is what the sector is, so a repair shop holds it; "public administration" is
    # what the sector is not.
    assert index.broader_coverage(prepare_query("automotive services"), ["811111"]) == {"811111": 1}
    assert index.broader_coverage(prepare_query("automotive public administration"), ["811111"]) == {}
