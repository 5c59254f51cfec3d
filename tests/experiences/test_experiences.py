"""Experiences through the API: the nine types, validation, ownership, visibility, deletion."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Experience, SearchOutbox
from tests.support.accounts import Client, sign_up
from tests.support.experience_bodies import CATEGORIES, NINE_EXPERIENCES, create_experience


async def count_experiences(db_session: AsyncSession) -> int:
    return int(await db_session.scalar(select(func.count()).select_from(Experience)) or 0)


async def test_one_experience_of_each_type_lists_nine_with_their_categories(
    client: Client, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    for experience_type in NINE_EXPERIENCES:
        created = await create_experience(client, ada, experience_type)
        assert created["category"] == CATEGORIES[experience_type]

    page = (await client.get("/api/v1/users/ada/experiences")).json()
    assert page["total"] == 9
    assert {item["experience_type"]: item["category"] for item in page["items"]} == CATEGORIES
    # Newest first: the last one created leads.
    assert page["items"][0]["experience_type"] == "native_skill"

    education = (await client.get("/api/v1/users/ada/experiences?category=education")).json()
    assert sorted(item["experience_type"] for item in education["items"]) == [
        "certificate",
        "course",
        "degree",
    ]
    gigs = (await client.get("/api/v1/users/ada/experiences?experience_type=gig")).json()
    assert [item["title"] for item in gigs["items"]] == ["Data pipeline contract"]

    second_page = (await client.get("/api/v1/users/ada/experiences?limit=4&offset=8")).json()
    assert (second_page["total"], len(second_page["items"]), second_page["offset"]) == (9, 1, 8)
    assert second_page["items"][0]["experience_type"] == "certificate"


async def test_responses_carry_the_naics_title_and_sector_or_say_unclassified(
    client: Client, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    classified = await create_experience(client, ada, "gig")
    assert classified["naics"] == {
        "code": "541511",
        "classified": True,
        "title": "Custom Computer Programming Services",
        "sector": "54",
        "sector_title": "Professional, Scientific, and Technical Services",
    }
    unclassified = await create_experience(client, ada, "course")
    assert unclassified["naics_code"] == "123456"
    assert unclassified["naics"] == {
        "code": "123456",
        "classified": False,
        "title": None,
        "sector": None,
        "sector_title": None,
    }
    fetched = (await client.get(f"/api/v1/experiences/{classified['id']}")).json()
    assert fetched == classified


async def test_gpa_above_four_without_a_scale_is_refused_and_nothing_is_written(
    client: Client, db_session: AsyncSession, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    body = {"experience_type": "degree", "title": "MSc", "type_specific_data": {"gpa": 7.5}}
    response = await client.post("/api/v1/experiences", json=body, headers=ada.auth)
    assert response.status_code == 422
    assert response.json()["field"] == "type_specific_data.gpa"
    assert await count_experiences(db_session) == 0

    body["type_specific_data"] = {"gpa": 7.5, "gpa_scale": 10}
    response = await client.post("/api/v1/experiences", json=body, headers=ada.auth)
    assert response.status_code == 201
    assert response.json()["type_specific_data"] == {"gpa": 7.5, "gpa_scale": 10.0}


IMPOSSIBLE: list[tuple[str, dict, str]] = [
    ("gig", {"type_specific_data": {"total_hours": -3}}, "type_specific_data.total_hours"),
    ("gig", {"type_specific_data": {"hourly_rate": "lots"}}, "type_specific_data.hourly_rate"),
    ("full_time", {"type_specific_data": {"team_size": -1}}, "type_specific_data.team_size"),
    ("course", {"type_specific_data": {"credits": -1}}, "type_specific_data.credits"),
    ("hard_skill", {"type_specific_data": {"years_experience": -2}}, "type_specific_data.years_experience"),
    ("hard_skill", {"type_specific_data": {"tools": ["ok", 7]}}, "type_specific_data.tools[1]"),
    ("soft_skill", {"type_specific_data": {"salary": 1}}, "type_specific_data.salary"),
    ("part_time", {"type_specific_data": {"hours_per_week": 200}}, "type_specific_data.hours_per_week"),
    ("degree", {"type_specific_data": {"gpa": 3, "gpa_scale": -5}}, "type_specific_data.gpa_scale"),
    (
        "certificate",
        {"start_date": "2024-01-01", "type_specific_data": {"expiration_date": "2023-01-01"}},
        "type_specific_data.expiration_date",
    ),
    ("gig", {"start_date": "2024-05-01", "end_date": "2024-01-01"}, "end_date"),
    ("full_time", {"end_date": "2024-01-01"}, "is_current"),
    ("gig", {"category": "skills"}, "category"),
    ("gig", {"naics_code": "999999"}, "naics_code"),
    ("gig", {"naics_code": "611710"}, "naics_code"),
    ("gig", {"naics_code": "54A"}, "naics_code"),
    ("gig", {"tags": ["x" * 51]}, "tags[0]"),
    ("gig", {"title": ""}, "title"),
    ("gig", {"colour": "red"}, "colour"),
]


async def test_impossible_values_are_422_naming_the_field(
    client: Client, db_session: AsyncSession, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    for experience_type, changes, field in IMPOSSIBLE:
        body = {"experience_type": experience_type, **NINE_EXPERIENCES[experience_type], **changes}
        response = await client.post("/api/v1/experiences", json=body, headers=ada.auth)
        assert response.status_code == 422, (changes, response.text)
        assert response.json()["field"] == field, changes
    assert await count_experiences(db_session) == 0


async def test_a_matching_category_and_a_sector_alias_are_accepted(
    client: Client, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    created = await create_experience(client, ada, "gig", category="workplace", naics_code=" 54 ")
    assert (created["category"], created["naics_code"], created["naics"]["sector"]) == (
        "workplace",
        "54",
        "54",
    )


async def test_only_the_owner_changes_or_deletes_an_experience(
    client: Client, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    experience = await create_experience(client, ada, "full_time")
    url = f"/api/v1/experiences/{experience['id']}"

    refused = await client.patch(url, json={"title": "Hijacked"}, headers=bob.auth)
    assert refused.status_code == 403
    assert (await client.delete(url, headers=bob.auth)).status_code == 403
    assert (await client.patch(url, json={"title": "Anonymous"})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    assert (await client.get(url)).json() == experience

    changed = await client.patch(url, json={"title": "Staff Engineer", "tags": ["go"]}, headers=ada.auth)
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["tags"]) == ("Staff Engineer", ["go"])
    assert changed.json()["type_specific_data"] == experience["type_specific_data"]
    assert (await client.delete(url, headers=ada.auth)).status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_patch_rules(client: Client, db_session: AsyncSession, naics_codes: list[str]) -> None:
    ada = await sign_up(client, "ada")
    degree = await create_experience(client, ada, "degree")
    url = f"/api/v1/experiences/{degree['id']}"
    for body, field in [
        ({"type_specific_data": {"gpa": 7.5}}, "type_specific_data.gpa"),
        ({"experience_type": "course"}, "experience_type"),
        ({"category": "skills"}, "category"),
        ({"end_date": "2001-01-01"}, "end_date"),
        ({"naics_code": "611710"}, "naics_code"),
    ]:
        response = await client.patch(url, json=body, headers=ada.auth)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
    assert (await client.get(url)).json() == degree

    unclassified = await client.patch(
        url, json={"naics_code": None, "description": "Thesis"}, headers=ada.auth
    )
    assert unclassified.json()["naics_code"] == "123456"
    assert unclassified.json()["description"] == "Thesis"
    assert unclassified.json()["type_specific_data"]["gpa"] == 3.8


async def test_experiences_of_an_inactive_user_are_hidden(client: Client, naics_codes: list[str]) -> None:
    ada = await sign_up(client, "ada")
    experience = await create_experience(client, ada, "hard_skill")
    assert (await client.post("/api/v1/users/me/deactivate", headers=ada.auth)).status_code == 204
    assert (await client.get(f"/api/v1/experiences/{experience['id']}")).status_code == 404
    assert (await client.get("/api/v1/users/ada/experiences")).status_code == 404
    assert (await client.get("/api/v1/users/ada/resume.json")).status_code == 404


async def test_deleting_a_user_deletes_their_experiences_and_queues_search_deletes(
    client: Client, db_session: AsyncSession, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    ids = [(await create_experience(client, ada, t))["id"] for t in ("gig", "degree", "soft_skill")]
    kept = await create_experience(client, bob, "gig")
    before = int(await db_session.scalar(select(func.max(SearchOutbox.id))) or 0)

    assert (await client.delete("/api/v1/users/me", headers=ada.auth)).status_code == 204

    remaining = (await db_session.scalars(select(Experience.id))).all()
    assert remaining == [kept["id"]]
    queued = (
        await db_session.execute(
            select(SearchOutbox.entity, SearchOutbox.entity_id).where(SearchOutbox.id > before)
        )
    ).all()
    assert sorted(queued) == sorted(("experience", experience_id) for experience_id in ids)
    assert await db_session.scalar(text("SELECT count(*) FROM users WHERE username = 'ada'")) == 0
    assert (await client.get("/api/v1/users/me", headers=ada.auth)).status_code == 401
