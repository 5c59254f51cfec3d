"""Helpers for the profile tests: accounts made through the API, a few NAICS codes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import passwords
from app.models import NaicsCode

PASSWORD = "correct horse battery"

# Real argon2id with small parameters: the defaults cost ~0.7 s per hash on a CI core.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

Client = AsyncTestClient[Litestar]


@dataclass
class Account:
    username: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(client: Client, username: str, **extra: object) -> dict:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD, **extra}
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def login(client: Client, login_name: str, password: str = PASSWORD) -> str:
    response = await client.post("/api/v1/auth/login", json={"username": login_name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def sign_up(client: Client, username: str, **extra: object) -> Account:
    await register(client, username, **extra)
    return Account(username, f"{username}@example.com", await login(client, username))


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "hasher", CHEAP_HASHER)


@pytest.fixture
async def naics_codes(db_session: AsyncSession) -> list[str]:
    """Codes of the built-in catalogue every test database starts with; 611710 made inactive."""
    codes = ["54", "541511", "61", "611310", "611710"]
    found = set(await db_session.scalars(select(NaicsCode.code).where(NaicsCode.code.in_(codes))))
    assert found == set(codes), "the template database carries the built-in catalogue"
    await db_session.execute(update(NaicsCode).where(NaicsCode.code == "611710").values(is_active=False))
    await db_session.commit()
    return codes


# One valid experience of each of the nine types, as a client would send them.
NINE_EXPERIENCES: dict[str, dict] = {
    "certificate": {
        "title": "AWS Solutions Architect",
        "organization": "Amazon Web Services",
        "start_date": "2023-01-15",
        "type_specific_data": {
            "certification_number": "ABC123",
            "certifying_body": "AWS",
            "expiration_date": "2026-01-15",
            "is_renewable": True,
        },
    },
    "degree": {
        "title": "BSc Computer Science",
        "organization": "State University",
        "start_date": "2012-09-01",
        "end_date": "2016-06-30",
        "naics_code": "611310",
        "type_specific_data": {
            "degree_level": "Bachelor",
            "major": "Computer Science",
            "minor": "Mathematics",
            "gpa": 3.8,
            "honors": ["Dean's List", "Cum Laude"],
        },
    },
    "course": {
        "title": "Introduction to Databases",
        "organization": "Open University",
        "type_specific_data": {"course_code": "CS101", "credits": 3, "grade": "A", "instructor": "Dr. Smith"},
    },
    "gig": {
        "title": "Data pipeline contract",
        "organization": "Acme",
        "naics_code": "541511",
        "type_specific_data": {"contract_type": "1099", "hourly_rate": 150, "total_hours": 120},
    },
    "part_time": {
        "title": "Teaching assistant",
        "type_specific_data": {"hours_per_week": 20, "employment_type": "w2", "department": "Engineering"},
    },
    "full_time": {
        "title": "Senior Software Engineer",
        "organization": "Initech",
        "start_date": "2019-03-01",
        "is_current": True,
        "naics_code": "541511",
        "tags": ["python", "search"],
        "type_specific_data": {
            "job_title": "Senior Software Engineer",
            "department": "Engineering",
            "team_size": 8,
            "responsibilities": ["Led team of 5", "Architected system"],
        },
    },
    "soft_skill": {
        "title": "Public speaking",
        "type_specific_data": {"skill_level": "advanced", "contexts": ["team leadership", "public speaking"]},
    },
    "hard_skill": {
        "title": "Python",
        "type_specific_data": {"proficiency_level": "expert", "years_experience": 5, "tools": ["FastAPI"]},
    },
    "native_skill": {
        "title": "Spanish",
        "type_specific_data": {"skill_type": "language", "language": "Spanish", "proficiency": "native"},
    },
}

CATEGORIES = {
    "certificate": "education",
    "degree": "education",
    "course": "education",
    "gig": "workplace",
    "part_time": "workplace",
    "full_time": "workplace",
    "soft_skill": "skills",
    "hard_skill": "skills",
    "native_skill": "skills",
}


async def create_experience(
    client: Client, account: Account, experience_type: str, **changes: object
) -> dict:
    body = {"experience_type": experience_type, **NINE_EXPERIENCES[experience_type], **changes}
    response = await client.post("/api/v1/experiences", json=body, headers=account.auth)
    assert response.status_code == 201, response.text
    return response.json()
