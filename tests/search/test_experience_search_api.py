"""Experience search through the API, with the engine and with the PostgreSQL fallback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import delete, select

from app.experiences.types import ExperienceType
from app.models import Experience, User
from app.models.experience import EXPERIENCE_CLASSES
from tests.search.conftest import SearchWorld

SEARCH = "/api/v1/experiences/search"
ITEM_FIELDS = {
    "id",
    "title",
    "description",
    "organization",
    "location",
    "experience_type",
    "category",
    "start_date",
    "end_date",
    "is_current",
    "tags",
    "naics_code",
    "naics_title",
    "sector",
    "sector_title",
    "username",
}

pytestmark = pytest.mark.parametrize("engine", ["opensearch", "postgres"])


async def get(world: SearchWorld, engine: str, **params: Any) -> dict[str, Any]:
    client = world.search if engine == "opensearch" else world.fallback
    response = await client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == engine
    return body


def titles(body: dict[str, Any]) -> set[str]:
    return {i["title"] for i in body["items"]}


async def test_words_match_as_prefixes_in_any_field_and_order(search_world: SearchWorld, engine: str) -> None:
    softw = await get(search_world, engine, q="softw")
    # The inactive owner's "Software Tester" is never shown.
    assert titles(softw) == {"Senior Software Engineer", "Software Development Certificate"}
    assert softw["total"] == 2
    assert titles(await get(search_world, engine, q="engineer senior")) == {"Senior Software Engineer"}
    assert titles(await get(search_world, engine, q="acme")) == {"Senior Software Engineer"}  # organization
    assert titles(await get(search_world, engine, q="kubernetes")) == {"Senior Software Engineer"}  # tags
    assert titles(await get(search_world, engine, q="coursera")) == {"Software Development Certificate"}
    assert titles(await get(search_world, engine, q="saute kitchen")) == {"Line Cook"}  # accents folded
    assert (await get(search_world, engine, q="xqzvw"))["items"] == []


async def test_items_are_hydrated_with_public_fields_only(search_world: SearchWorld, engine: str) -> None:
    body = await get(search_world, engine, q="line cook")
    [item] = body["items"]
    assert set(item) == ITEM_FIELDS
    assert item["username"] == "bob"
    assert (item["naics_code"], item["naics_title"], item["sector"]) == (
        "722511",
        "Full-Service Restaurants",
        "72",
    )
    assert item["start_date"].startswith("2015-06-01") and item["tags"] == ["cooking"]
    assert "email" not in str(body)


async def test_blank_query_lists_newest_first(search_world: SearchWorld, engine: str) -> None:
    body = await get(search_world, engine)
    assert [i["title"] for i in body["items"]] == [
        "Software Development Certificate",
        "Senior Software Engineer",
        "Dental Office Website",
        "Line Cook",
    ]
    assert body["total"] == 4


async def test_filters_and_facets(search_world: SearchWorld, engine: str) -> None:
    everything = await get(search_world, engine)
    assert {b["value"]: b["count"] for b in everything["facets"]["category"]} == {
        "workplace": 3,
        "education": 1,
    }
    education = await get(search_world, engine, category="education")
    assert titles(education) == {"Software Development Certificate"}
    # The category facet ignores its own filter; the others narrow to the chosen category.
    assert education["facets"]["category"] == everything["facets"]["category"]
    assert education["facets"]["experience_type"] == [
        {"value": "certificate", "label": "Certificate", "count": 1}
    ]
    sector = await get(search_world, engine, sector="54")
    assert titles(sector) == {"Senior Software Engineer"}
    assert {"value": "54", "label": "Professional, Scientific, and Technical Services", "count": 1} in sector[
        "facets"
    ]["sector"]
    code = await get(search_world, engine, naics_code="621210", experience_type=["gig", "full_time"])
    assert titles(code) == {"Dental Office Website"}
    assert {"value": "621210", "label": "Offices of Dentists", "count": 1} in code["facets"]["naics_code"]
    client = search_world.search if engine == "opensearch" else search_world.fallback
    for name, value, allowed in (
        ("category", "nope", "education, workplace, skills"),
        ("experience_type", "wizard", "full_time"),
        ("sector", "99", "54"),
    ):
        refused = await client.get(SEARCH, params={name: value})
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == name and allowed in refused.json()["detail"]


@pytest.mark.parametrize("query", ['(( AND "', "🦷 dent", "\x00\x1f", "%_\\", "a b c d e f g h i j"])
async def test_hostile_queries_are_answered(search_world: SearchWorld, engine: str, query: str) -> None:
    client = search_world.search if engine == "opensearch" else search_world.fallback
    response = await client.get(SEARCH, params={"q": query})
    assert response.status_code == 200, response.text


async def test_a_deleted_experience_is_never_shown(search_world: SearchWorld, engine: str) -> None:
    async with search_world.sessions() as session:
        bob = await session.scalar(select(User).where(User.username == "bob"))
        session.add(
            EXPERIENCE_CLASSES[ExperienceType.GIG](
                user_id=bob.id, naics_code="621210", title="Molar Photography"
            )
        )
        await session.commit()
    await search_world.reindex("experiences")
    try:
        assert titles(await get(search_world, engine, q="molar")) == {"Molar Photography"}
        async with search_world.sessions() as session:
            await session.execute(delete(Experience).where(Experience.title == "Molar Photography"))
            await session.commit()
        # The index still holds the document (nothing reindexed): hydration drops it.
        body = await get(search_world, engine, q="molar")
        assert body["items"] == [] and body["total"] == 0
    finally:
        await search_world.reindex("experiences")


async def test_facets_only_when_asked(search_world: SearchWorld, engine: str) -> None:
    with_facets = await get(search_world, engine, q="software")
    without = await get(search_world, engine, q="software", facets="false")
    assert with_facets["facets"]["category"]
    assert without["facets"] == {}
    assert without["items"] == with_facets["items"]
    assert without["total"] == with_facets["total"]
    assert without["total_relation"] == "eq"


async def test_filters_apply_without_facets(search_world: SearchWorld, engine: str) -> None:
    filtered = await get(search_world, engine, category="workplace", facets="false")
    faceted = await get(search_world, engine, category="workplace")
    assert {i["category"] for i in filtered["items"]} == {"workplace"}
    assert filtered["items"] == faceted["items"]


@pytest.mark.parametrize("params", [{"q": "line cook"}, {"sector": "54"}, {}])
async def test_either_back_end_shows_the_same_items(
    search_world: SearchWorld, engine: str, params: dict[str, Any]
) -> None:
    # Each back end reads its hits with its own statement; the items must not differ by a field.
    other = "postgres" if engine == "opensearch" else "opensearch"
    mine, theirs = await get(search_world, engine, **params), await get(search_world, other, **params)
    assert mine["items"] and mine["items"] == theirs["items"]


async def test_dates_at_the_calendar_ends_keep_their_day(search_world: SearchWorld, engine: str) -> None:
    # asyncpg stores datetime.min and datetime.max as -infinity and infinity.
    async with search_world.sessions() as session:
        bob = await session.scalar(select(User).where(User.username == "bob"))
        session.add(
            EXPERIENCE_CLASSES[ExperienceType.GIG](
                user_id=bob.id,
                naics_code="621210",
                title="Timeless Molar Survey",
                start_date=datetime.min,
                end_date=datetime.max,
            )
        )
        await session.commit()
    await search_world.reindex("experiences")
    try:
        [item] = (await get(search_world, engine, q="timeless"))["items"]
        assert (item["start_date"], item["end_date"]) == ("0001-01-01", "9999-12-31")
    finally:
        async with search_world.sessions() as session:
            await session.execute(delete(Experience).where(Experience.title == "Timeless Molar Survey"))
            await session.commit()
        await search_world.reindex("experiences")
