"""Fixtures for the NAICS catalogue tests: the Census files read once, admins, an empty catalogue.

The Census files themselves (`census_files`, `census_paths`) are tests/conftest.py's: an import
killed half way (tests/faults) uses them too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import account_token
from app.config import Settings
from app.models import User, UserRole


@pytest.fixture(scope="session")
def census_bundle(census_files: dict[str, Path]):
    from app.naics.census import load_census

    return load_census(census_files.values())


@pytest.fixture
async def empty_catalogue(db_session: AsyncSession) -> AsyncSession:
    """The test database with no NAICS codes (every test database starts with the built-in ones)."""
    await db_session.execute(text("DELETE FROM naics_codes"))
    await db_session.execute(text("DELETE FROM search_outbox"))
    await db_session.commit()
    return db_session


async def _user(session: AsyncSession, name: str, *, admin: bool) -> User:
    user = User(username=name, email=f"{name}@example.com", password_hash="not-a-real-hash")
    session.add(user)
    await session.flush()
    if admin:
        session.add(UserRole(user_id=user.id, role="admin"))
    await session.commit()
    return user


@pytest.fixture
async def admin_headers(db_session: AsyncSession, settings: Settings) -> dict[str, str]:
    user = await _user(db_session, "catalogue_admin", admin=True)
    return {"Authorization": f"Bearer {account_token(user, settings)}"}


@pytest.fixture
async def member_headers(db_session: AsyncSession, settings: Settings) -> dict[str, str]:
    user = await _user(db_session, "catalogue_member", admin=False)
    return {"Authorization": f"Bearer {account_token(user, settings)}"}
