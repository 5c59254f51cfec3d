"""Fixtures for the experience tests: a few codes of the built-in catalogue, one made inactive."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NaicsCode


@pytest.fixture
async def naics_codes(db_session: AsyncSession) -> list[str]:
    """Codes of the built-in catalogue every test database starts with; 611710 made inactive."""
    codes = ["54", "541511", "61", "611310", "611710"]
    found = set(await db_session.scalars(select(NaicsCode.code).where(NaicsCode.code.in_(codes))))
    assert found == set(codes), "the template database carries the built-in catalogue"
    await db_session.execute(update(NaicsCode).where(NaicsCode.code == "611710").values(is_active=False))
    await db_session.commit()
    return codes
