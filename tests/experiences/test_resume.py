"""JSON Resume export and import."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Experience
from tests.support.accounts import Client, sign_up
from tests.support.experience_bodies import NINE_EXPERIENCES, create_experience

PROFILE = {
    "bio": "Engineer who likes search",
    "location": "Lisbon, PT",
    "avatar_url": "https://img.example.com/ada.png",
    "website": "https://ada.example.com",
    "social": {"github": "ada", "linkedin": "https://linkedin.com/in/ada", "twitter": "@ada"},
    "preferences": {"theme": "dark"},
}


def without_identity(resume: dict) -> dict:
    basics = {k: v for k, v in resume["basics"].items() if k not in ("name", "email")}
    return {**resume, "basics": basics}


async def test_export_import_export_round_trip(client: Client, naics_codes: list[str]) -> None:
    ada = await sign_up(client, "ada", profile_data=PROFILE)
    for experience_type in NINE_EXPERIENCES:
        await create_experience(client, ada, experience_type)
    await create_experience(
        client, ada, "degree", title="MSc", type_specific_data={"gpa": 15.5, "gpa_scale": 20, "major": "AI"}
    )
    await create_experience(
        client,
        ada,
        "gig",
        experience_metadata={"url": "https://acme.example", "highlights": ["Shipped v2"]},
        start_date="2020-01-01",
        end_date="2020-06-30",
        description="Built the ETL",
        location="Remote",
    )

    own = (await client.get("/api/v1/users/ada/resume.json", headers=ada.auth)).json()
    public = (await client.get("/api/v1/users/ada/resume.json")).json()
    assert own["basics"]["email"] == "ada@example.com"
    assert "email" not in public["basics"] and "ada@example.com" not in str(public)
    assert own["basics"]["summary"] == PROFILE["bio"]
    assert {p["network"] for p in own["basics"]["profiles"]} == {"GitHub", "LinkedIn", "Twitter"}
    assert len(own["work"]) == 4 and len(own["education"]) == 3
    assert [c["name"] for c in own["certificates"]] == ["AWS Solutions Architect"]
    assert own["languages"] == [{"language": "Spanish", "fluency": "native"}]
    assert {s["name"] for s in own["skills"]} == {"Python", "Public speaking"}
    current = next(w for w in own["work"] if w["position"] == "Senior Software Engineer")
    assert current["startDate"] == "2019-03-01" and "endDate" not in current
    assert current["highlights"] == ["Led team of 5", "Architected system"]
    assert {e.get("score") for e in own["education"]} >= {"3.8", "15.5/20"}

    bob = await sign_up(client, "bob")
    imported = await client.post("/api/v1/users/me/resume", json=public, headers=bob.auth)
    assert imported.status_code == 201, imported.text
    assert imported.json()["created"] == 11
    again = (await client.get("/api/v1/users/bob/resume.json")).json()
    assert without_identity(again) == without_identity(public)
    assert again["basics"]["name"] == "bob"

    bobs = (await client.get("/api/v1/users/bob/experiences?limit=100")).json()
    assert sorted(item["experience_type"] for item in bobs["items"]) == sorted(
        [*NINE_EXPERIENCES, "degree", "gig"]
    )
    full_time = next(item for item in bobs["items"] if item["experience_type"] == "full_time")
    assert (full_time["naics_code"], full_time["tags"], full_time["is_current"]) == (
        "541511",
        ["python", "search"],
        True,
    )


async def test_one_invalid_entry_refuses_the_whole_import(
    client: Client, db_session: AsyncSession, naics_codes: list[str]
) -> None:
    ada = await sign_up(client, "ada")
    resume = {
        "basics": {"name": "Ada", "summary": "Hello"},
        "work": [{"name": "Acme", "position": "Engineer", "startDate": "2020-01"}],
        "education": [
            {"institution": "Uni", "studyType": "Bachelor", "area": "CS", "score": "3.5"},
            {"institution": "Uni", "studyType": "Master", "area": "CS", "score": "7.5"},
        ],
        "volunteer": [{"organization": "ignored"}],
    }
    refused = await client.post("/api/v1/users/me/resume", json=resume, headers=ada.auth)
    assert refused.status_code == 422
    assert refused.json()["field"] == "education[1].type_specific_data.gpa"
    assert await db_session.scalar(select(func.count()).select_from(Experience)) == 0
    me = (await client.get("/api/v1/users/me", headers=ada.auth)).json()
    assert me["profile_data"] == {}

    for broken, field in [
        ({"work": [{"name": "Acme", "startDate": "last year"}]}, "work[0].startDate"),
        (
            {"skills": [{"name": "Go", "levelith": {"experience_type": "gig"}}]},
            "skills[0].levelith.experience_type",
        ),
        ({"work": "nope"}, "work"),
    ]:
        response = await client.post("/api/v1/users/me/resume", json=broken, headers=ada.auth)
        assert (response.status_code, response.json()["field"]) == (422, field)

    resume["education"].pop()
    accepted = await client.post("/api/v1/users/me/resume", json=resume, headers=ada.auth)
    assert accepted.json() == {"created": 2, "by_type": {"full_time": 1, "degree": 1}}
    work = (await client.get("/api/v1/users/ada/experiences?experience_type=full_time")).json()["items"][0]
    assert (work["start_date"], work["is_current"], work["organization"]) == ("2020-01-01", True, "Acme")
    assert (await client.post("/api/v1/users/me/resume", json=resume)).status_code == 401
