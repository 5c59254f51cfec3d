"""Faults of the search engine: killed mid-stream, back empty, an index deleted, a reindex cut short."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from dataclasses import replace
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.embedded.opensearch import EmbeddedOpenSearch
from app.models import Experience, SearchOutbox, User
from app.search import definitions, indexes
from app.search.indexes import IndexManager
from indexer import health
from indexer.health import ensure_complete, ensure_search_indexes
from indexer.reindex import reindex
from indexer.worker import OutboxWorker
from tests.support.indexes import expected_documents, indexed_documents, make_worker
from tests.support.rows import add_experience, add_naics, add_user
from tests.support.waiting import eventually

KINDS = ("naics", "experiences")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _outbox_empty(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        return not await session.scalar(select(func.count()).select_from(SearchOutbox))


async def _in_step(sessions: async_sessionmaker[AsyncSession], client: AsyncOpenSearch, prefix: str) -> bool:
    try:
        for kind in KINDS:
            if await indexed_documents(client, prefix, kind) != await expected_documents(sessions, kind):
                return False
    except Exception:  # engine down or alias missing: not in step yet
        return False
    return await _outbox_empty(sessions)


@contextlib.asynccontextmanager
async def _running(worker: OutboxWorker):
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.mark.slow
async def test_engine_killed_mid_stream_comes_back_empty_and_the_index_equals_postgres(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], db_session: AsyncSession
) -> None:
    prefix = settings.index_prefix
    addr = f"127.0.0.1:{_free_port()}"
    engine = EmbeddedOpenSearch(addr=addr)
    client = AsyncOpenSearch(hosts=[engine.url], timeout=5, max_retries=0)
    worker = make_worker(sessions, client, settings, poll_seconds=0.2, backoff_max=0.5)
    users = [await add_user(db_session) for _ in range(3)]
    jobs: list[Experience] = []

    async def change(step: int) -> None:
        """One write of a mixed stream: creates, updates, deletes, a rename, a deactivation."""
        user = users[step % len(users)]
        if step % 5 == 3 and jobs:
            await db_session.delete(jobs.pop(0))
            await db_session.commit()
        elif step % 5 == 4 and jobs:
            jobs[-1].title = f"Updated at step {step}"
            await db_session.commit()
        else:
            jobs.append(await add_experience(db_session, user, f"Job at step {step}"))
        if step == 25:
            await db_session.execute(update(User).where(User.id == users[0].id).values(username="renamed"))
            await db_session.commit()
        if step == 35:
            await db_session.execute(update(User).where(User.id == users[1].id).values(is_active=False))
            await db_session.commit()
        if step == 40:
            await add_naics(db_session, "999991", "Written while the engine was down")

    try:
        async with _running(worker):
            for step in range(20):
                await change(step)
                await asyncio.sleep(0.01)
            await eventually(lambda: _in_step(sessions, client, prefix), within=20)

            os.kill(engine.pid, signal.SIGKILL)
            engine.stop()  # reaps the killed process
            for step in range(20, 50):
                await change(step)  # PostgreSQL keeps accepting writes
                await asyncio.sleep(0.01)
            await eventually(lambda: _wait_for_failures(worker), within=10)
            assert not await _outbox_empty(sessions), "the changes wait in the outbox"

            engine = EmbeddedOpenSearch(addr=addr)  # same address, nothing in it
            for step in range(50, 60):
                await change(step)
            took = await eventually(lambda: _in_step(sessions, client, prefix), within=30)
        for kind in KINDS:
            indexed = await indexed_documents(client, prefix, kind)
            expected = await expected_documents(sessions, kind)
            assert indexed == expected, kind  # same ids, same versions
            assert len(indexed) == len(expected)
        assert "999991" in await indexed_documents(client, prefix, "naics")
        assert took < 30
    finally:
        await client.close()
        engine.stop()


async def _wait_for_failures(worker: OutboxWorker) -> bool:
    return worker.failures >= 2


async def test_a_deleted_index_is_rebuilt_by_the_running_worker(
    worker: OutboxWorker,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    db_session: AsyncSession,
    search: AsyncOpenSearch,
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session)
    for n in range(5):
        await add_experience(db_session, user, f"Kept through the loss {n}")
    await worker.drain()
    lost = await worker.manager.live_index("experiences")
    assert lost is not None
    await search.indices.delete(index=lost)

    healer = make_worker(sessions, search, settings, health_check_seconds=0.1, poll_seconds=0.1)
    async with _running(healer):
        await eventually(lambda: _in_step(sessions, search, prefix), within=10)
    rebuilt = await healer.manager.live_index("experiences")
    assert rebuilt is not None  # (it may reuse the lost name: names have one-second precision)
    assert len(await indexed_documents(search, prefix, "experiences")) == 5


class _Interrupted(Exception):
    pass


async def test_an_interrupted_reindex_keeps_the_old_alias_and_the_next_one_removes_the_orphan(
    worker: OutboxWorker,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    db_session: AsyncSession,
    search: AsyncOpenSearch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = settings.index_prefix
    manager = IndexManager(search, prefix)
    user = await add_user(db_session)
    # Several bulk chunks, so the interruption leaves a half-filled index behind.
    monkeypatch.setattr("indexer.reindex.BULK_CHUNK", 40)
    total = 120
    await db_session.execute(
        Experience.__table__.insert(),
        [
            {
                "id": f"{n:032x}",
                "user_id": user.id,
                "title": f"Reindexed job {n}",
                "category": "skills",
                "experience_type": "hard_skill",
            }
            for n in range(total)
        ],
    )
    await db_session.commit()
    await worker.drain()
    old = await manager.live_index("experiences")

    def interrupt(done: int, _total: int) -> None:
        if done >= 40:
            raise _Interrupted

    with pytest.raises(_Interrupted):
        await reindex("experiences", search, sessions, prefix=prefix, progress=interrupt)

    orphan = await manager.next_index("experiences")
    assert orphan is not None and orphan != old
    assert await manager.live_index("experiences") == old
    alias = manager.names("experiences").alias
    assert (await search.count(index=alias))["count"] == total, "searches still see the complete index"
    await search.indices.refresh(index=orphan)
    assert (await search.count(index=orphan))["count"] < total

    # Changes meanwhile still reach the live index.
    late = await add_experience(db_session, user, "Written after the interruption")
    await worker.drain()
    assert late.id in await indexed_documents(search, prefix, "experiences")

    # wait=False: the interrupted build released its lock.
    summary = await reindex("experiences", search, sessions, prefix=prefix, wait=False)
    assert summary.removed_indexes == [old]
    remaining = await search.indices.get(index=manager.names("experiences").pattern)
    assert set(remaining) == {summary.index}, "the orphan is gone"
    assert await manager.live_index("experiences") == summary.index
    assert await indexed_documents(search, prefix, "experiences") == await expected_documents(
        sessions, "experiences"
    )


async def test_start_up_check_rebuilds_missing_or_incomplete_indexes_only(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    db_session: AsyncSession,
    search: AsyncOpenSearch,
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session)
    jobs = [await add_experience(db_session, user, f"Job {n}") for n in range(3)]

    built = await ensure_complete(search, sessions, prefix)
    assert sorted(s.kind for s in built) == ["experiences", "naics"]
    assert await ensure_complete(search, sessions, prefix) == [], "complete indexes are left alone"

    await search.delete(index=IndexManager(search, prefix).names("experiences").alias, id=jobs[0].id)
    await search.indices.refresh(index=IndexManager(search, prefix).names("experiences").alias)
    rebuilt = await ensure_complete(search, sessions, prefix)
    assert [s.kind for s in rebuilt] == ["experiences"]
    assert await indexed_documents(search, prefix, "experiences") == await expected_documents(
        sessions, "experiences"
    )


async def test_start_up_check_rebuilds_an_index_built_from_an_older_mapping(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    search: AsyncOpenSearch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An upgrade that ships a new mapping version: its queries may use fields the live index
    # lacks (a nested query on a missing path is a 400), so start-up builds the new one.
    prefix = settings.index_prefix
    manager = IndexManager(search, prefix)
    await ensure_complete(search, sessions, prefix)
    before = await manager.live_index("naics")
    current = definitions.load_definition("naics")

    def upgraded(kind: str, *args: Any) -> definitions.IndexDefinition:
        found = definitions.load_definition(kind, *args)
        return replace(found, version=current.version + 1) if kind == "naics" else found

    monkeypatch.setattr(health, "load_definition", upgraded)
    monkeypatch.setattr(indexes, "load_definition", upgraded)
    rebuilt = await ensure_complete(search, sessions, prefix)
    assert [s.kind for s in rebuilt] == ["naics"]
    after = await manager.live_index("naics")
    assert after != before and f"_v{current.version + 1}_" in str(after)
    assert await ensure_complete(search, sessions, prefix) == [], "now current: left alone"


async def test_the_service_starts_while_the_engine_is_down(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # `levelith serve`'s start-up check: PostgreSQL answers searches meanwhile, and the
    # indexer's health check rebuilds the indexes once the engine is back.
    down = replace(settings, opensearch_url=f"http://127.0.0.1:{_free_port()}")
    with caplog.at_level(logging.WARNING, logger="indexer.health"):
        await ensure_search_indexes(down)
    assert "search engine unavailable at start-up" in caplog.text
