"""Queries on experiences."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.models import Experience, User


class ExperienceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_id(self, experience_id: str) -> Experience | None:
        return await self.session.scalar(
            select(Experience).options(selectinload(Experience.user)).where(Experience.id == experience_id)
        )

    async def count_of_user_locked(self, user_id: str) -> int:
        """How many experiences the user has, holding the user's row until the transaction ends,
        so two concurrent writes of one account count one after the other."""
        await self.session.execute(select(User.id).where(User.id == user_id).with_for_update())
        return int(
            await self.session.scalar(
                select(func.count()).select_from(Experience).where(Experience.user_id == user_id)
            )
            or 0
        )

    async def add_all(self, experiences: Sequence[Experience]) -> None:
        self.session.add_all(experiences)
        await self.session.flush()
        for experience in experiences:
            await self.session.refresh(experience)

    async def save(self, experience: Experience) -> None:
        await self.session.flush()
        await self.session.refresh(experience)

    async def delete(self, experience: Experience) -> None:
        await self.session.delete(experience)
        await self.session.flush()

    async def page_of_user(
        self,
        user_id: str,
        *,
        category: str | None = None,
        experience_type: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[list[Experience], int]:
        """Newest first (by creation), with the total before paging."""
        conditions = [Experience.user_id == user_id]
        if category:
            conditions.append(Experience.category == category)
        if experience_type:
            conditions.append(Experience.experience_type == experience_type)
        total = await self.session.scalar(select(func.count()).select_from(Experience).where(*conditions))
        rows = await self.session.scalars(
            select(Experience)
            .where(*conditions)
            .order_by(Experience.created_at.desc(), Experience.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)

    async def all_of_user(self, user_id: str) -> list[Experience]:
        rows = await self.session.scalars(
            select(Experience)
            .where(Experience.user_id == user_id)
            .order_by(Experience.created_at.desc(), Experience.id.desc())
        )
        return list(rows)
