"""Queries on users and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User, UserRole


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_id(self, user_id: str) -> User | None:
        return await self.session.scalar(select(User).where(User.id == user_id))

    async def by_username(self, username: str) -> User | None:
        return await self.session.scalar(select(User).where(func.lower(User.username) == username.lower()))

    async def by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))

    async def by_login(self, login: str) -> User | None:
        """The user whose username or e-mail is `login`, ignoring case."""
        login = login.strip().lower()
        return await self.session.scalar(
            select(User).where(or_(func.lower(User.username) == login, func.lower(User.email) == login))
        )

    async def username_taken(self, username: str, *, except_id: str | None = None) -> bool:
        query = select(User.id).where(func.lower(User.username) == username.lower())
        if except_id:
            query = query.where(User.id != except_id)
        return await self.session.scalar(query.limit(1)) is not None

    async def email_taken(self, email: str, *, except_id: str | None = None) -> bool:
        query = select(User.id).where(func.lower(User.email) == email.lower())
        if except_id:
            query = query.where(User.id != except_id)
        return await self.session.scalar(query.limit(1)) is not None

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        await self.session.refresh(user)
        return user

    async def refresh(self, user: User) -> User:
        await self.session.flush()
        await self.session.refresh(user)
        return user

    async def touch_login(self, user: User, when: datetime) -> None:
        user.last_login = when
        await self.refresh(user)

    async def delete(self, user: User) -> None:
        # A bulk DELETE lets the database cascade to experiences (ON DELETE CASCADE), whose
        # triggers then enqueue one search delete per experience.
        await self.session.execute(delete(User).where(User.id == user.id))
        self.session.expunge(user)

    async def set_role(self, user: User, role: str, granted: bool) -> None:
        if granted:
            if not any(existing.role == role for existing in user.roles):
                user.roles.append(UserRole(user_id=user.id, role=role))
        else:
            await self.session.execute(
                delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == role)
            )
        await self.session.flush()
        await self.session.refresh(user, attribute_names=["roles"])

    async def deactivate(self, user: User) -> None:
        await self.session.execute(update(User).where(User.id == user.id).values(is_active=False))
        await self.session.refresh(user)
