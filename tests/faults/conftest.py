"""Fault and hostile-input tests: the real app over HTTP, engines that can be killed.

Every fault test lives in this folder: the engine or PostgreSQL killed, paused or emptied, an
import killed, fuzzing, hostile input, security. The helpers that compare an index with
PostgreSQL are in tests/support/indexes.py; `sessions`, `search` and `worker` in tests/conftest.py.
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

from app.config import Settings
from app.embedded.opensearch import EmbeddedOpenSearch
from indexer.health import ensure_search_indexes
from tests.support.indexes import drop_indexes
from tests.support.live_server import free_port

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def template_database(titles_only_template_database: str) -> str:
    # These tests rebuild the NAICS index many times; the catalogue's titles are all they need.
    return titles_only_template_database


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
    # A handful of unverified users write hundreds of experiences: the quota is not under test.
    changes.setdefault("experience_quota_unverified", 0)
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
