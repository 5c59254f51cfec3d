"""Sync tests: real PostgreSQL and a real engine, the worker run in-process.

Every test has its own database and index prefix (tests/conftest.py); the helpers below read
what PostgreSQL says each index should hold and what the index actually holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch, NotFoundError
from opensearchpy.helpers import async_scan
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.experiences.types import ExperienceType
from app.models import Experience, NaicsCode, User
from app.models.experience import EXPERIENCE_CLASSES
from app.repositories.search_sources import stream_rows
from app.search.definitions import alias_name
from app.search.documents import action_for
from indexer.listener import asyncpg_dsn
from indexer.worker import OutboxWorker


@pytest.fixture(scope="session")
def template_database(titles_only_template_database: str) -> str:
    # These tests rebuild the NAICS index many times; the catalogue's titles are all they need.
    return titles_only_template_database


@pytest.fixture
def sessions(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(db_engine, expire_on_commit=False)


async def drop_indexes(client: AsyncOpenSearch, prefix: str) -> None:
    with contextlib.suppress(NotFoundError):
        await client.indices.delete(index=f"{prefix}*", expand_wildcards="all")


@pytest.fixture
async def search(settings: Settings) -> AsyncIterator[AsyncOpenSearch]:
    client = AsyncOpenSearch(hosts=[settings.opensearch_url], timeout=30)
    try:
        yield client
    finally:
        await drop_indexes(client, settings.index_prefix)
        await client.close()


def make_worker(
    sessions: async_sessionmaker[AsyncSession], client: AsyncOpenSearch, settings: Settings, **options: Any
) -> OutboxWorker:
    assert settings.database_url
    options.setdefault("listen_dsn", asyncpg_dsn(settings.database_url))
    options.setdefault("backoff_max", 0.5)
    return OutboxWorker(sessions, client, prefix=settings.index_prefix, **options)


@pytest.fixture
async def worker(
    sessions: async_sessionmaker[AsyncSession], search: AsyncOpenSearch, settings: Settings
) -> OutboxWorker:
    """A worker whose indexes exist and hold whatever the test database started with."""
    built = make_worker(sessions, search, settings)
    await built.heal()
    await built.drain()
    return built


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


async def expected_documents(sessions: async_sessionmaker[AsyncSession], kind: str) -> dict[str, int]:
    """{document id: version} of every document PostgreSQL says the index should hold."""
    found = {}
    async with sessions() as session:
        async for row in stream_rows(session, kind):
            action = action_for(kind, row)
            if action.document is not None:
                found[action.id] = action.version
    return found


async def indexed_documents(client: AsyncOpenSearch, prefix: str, kind: str) -> dict[str, int]:
    """{document id: _version} of every document in the index behind the alias."""
    alias = alias_name(kind, prefix)
    await client.indices.refresh(index=alias)
    found = {}
    async for hit in async_scan(client, index=alias, query={"query": {"match_all": {}}, "version": True}):
        found[hit["_id"]] = hit["_version"]
    return found


async def get_document(client: AsyncOpenSearch, prefix: str, kind: str, doc_id: str) -> dict[str, Any] | None:
    try:
        return await client.get(index=alias_name(kind, prefix), id=doc_id)
    except NotFoundError:
        return None


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0, step: float = 0.05) -> float:
    """Poll `check` until it is true; return the seconds it took, fail after `within` seconds."""
    started = time.monotonic()
    while True:
        if await check():
            return time.monotonic() - started
        if time.monotonic() - started > within:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(step)
