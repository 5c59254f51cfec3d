"""Fault and hostile-input tests: the real app over HTTP, engines that can be killed.

The helpers that compare an index with PostgreSQL are the sync tests' (tests/sync/conftest.py).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import signal
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.bootstrap import ensure_search_indexes
from app.config import Settings
from app.embedded.opensearch import EmbeddedOpenSearch
from tests.live_server import free_port
from tests.sync.conftest import drop_indexes

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def template_database(titles_only_template_database: str) -> str:
    # These tests rebuild the NAICS index many times; the catalogue's titles are all they need.
    return titles_only_template_database


@pytest.fixture
def sessions(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(db_engine, expire_on_commit=False)


class KillableEngine:
    """A dedicated osmem on a fixed local address: SIGKILL it, start it again (empty) on the same one."""

    def __init__(self) -> None:
        self.addr = f"127.0.0.1:{free_port()}"
        self.server: EmbeddedOpenSearch | None = EmbeddedOpenSearch(addr=self.addr)
        self.url = self.server.url

    def kill(self) -> None:
        assert self.server is not None
        os.kill(self.server.pid, signal.SIGKILL)
        self.server.stop()  # reaps the killed process
        self.server = None

    def restart(self) -> None:
        assert self.server is None
        self.server = EmbeddedOpenSearch(addr=self.addr)
        assert self.server.url == self.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def killable_engine() -> Iterator[KillableEngine]:
    engine = KillableEngine()
    try:
        yield engine
    finally:
        engine.stop()


def on_engine(settings: Settings, engine: KillableEngine, **changes: Any) -> Settings:
    # A short request-path timeout, so a dead engine turns into a PostgreSQL answer quickly.
    changes.setdefault("opensearch_timeout", 0.5)
    return dataclasses.replace(settings, opensearch_url=engine.url, run_indexer=True, **changes)


async def register(http: httpx.AsyncClient, username: str | None = None) -> tuple[str, str, str]:
    """Sign up and log in through the API; returns (username, email, bearer token)."""
    username = username or f"u_{secrets.token_hex(4)}"
    email = f"{username}@example.org"
    created = await http.post(
        "/api/v1/auth/register", json={"username": username, "email": email, "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    login = await http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return username, email, login.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def indexed(settings: Settings) -> AsyncIterator[Settings]:
    """This test's indexes built on the session's engine (as `levelith serve` builds them), dropped after."""
    await ensure_search_indexes(settings)
    client = AsyncOpenSearch(hosts=[settings.opensearch_url], timeout=30)
    try:
        yield settings
    finally:
        await drop_indexes(client, settings.index_prefix)
        await client.close()
