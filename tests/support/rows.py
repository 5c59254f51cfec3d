"""Rows written straight through the ORM models, for tests about what happens after a write."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.experiences.types import ExperienceType
from app.models import Experience, NaicsCode, User
from app.models.experience import EXPERIENCE_CLASSES


async def add_user(session: AsyncSession, username: str | None = None) -> User:
    username = username or f"user_{secrets.token_hex(4)}"
    user = User(username=username, email=f"{username}@example.com", password_hash="x")
    session.add(user)
    await session.commit()
    return user


async def add_experience(
    session: AsyncSession,
    user: User,
    title: str,
    kind: ExperienceType = ExperienceType.FULL_TIME,
    **fields: Any,
) -> Experience:
    experience = EXPERIENCE_CLASSES[kind](user_id=user.id, title=title, **fields)
    session.add(experience)
    await session.commit()
    return experience


async def add_naics(session: AsyncSession, code: str, title: str, **fields: Any) -> NaicsCode:
    row = NaicsCode(
        code=code,
        title=title,
        level=len(code),
        sector=code[:2],
        parent_code=None if len(code) == 2 else code[:-1] if len(code) < 6 else code[:4],
        category=fields.pop("category", "technology"),
        **fields,
    )
    session.add(row)
    await session.commit()
    return row
