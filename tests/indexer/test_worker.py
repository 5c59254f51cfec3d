"""The outbox worker: changes reach the index with PostgreSQL's version, and only the newest wins."""

from __future__ import annotations

import asyncio
import contextlib

from opensearchpy import AsyncOpenSearch
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.models import Experience, NaicsCode, SearchOutbox, User
from app.repositories.search_outbox import OutboxRow
from indexer.bulk import write
from indexer.changes import actions_for_rows
from indexer.worker import OutboxWorker
from tests.support.indexes import expected_documents, get_document, indexed_documents, make_worker
from tests.support.rows import add_experience, add_naics, add_user


async def _outbox_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)


async def test_naics_create_update_delete_reach_the_index_with_the_postgres_version(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings, sessions
) -> None:
    prefix = settings.index_prefix
    await add_naics(db_session, "99", "Zeta Sector", category="other")
    await add_naics(db_session, "999990", "Quantum Widget Polishing", category="technology")
    assert await worker.drain() >= 2

    doc = await get_document(search, prefix, "naics", "999990")
    assert doc is not None and doc["_source"]["title"] == "Quantum Widget Polishing"
    assert doc["_source"]["sector_title"] == "Zeta Sector"
    assert doc["_version"] == (await expected_documents(sessions, "naics"))["999990"]

    await db_session.execute(
        update(NaicsCode).where(NaicsCode.code == "999990").values(title="Quantum Gadget Polishing")
    )
    await db_session.commit()
    await worker.drain()
    doc = await get_document(search, prefix, "naics", "999990")
    assert doc is not None and doc["_source"]["title"] == "Quantum Gadget Polishing"
    assert doc["_version"] == (await expected_documents(sessions, "naics"))["999990"]

    # A sector title change reaches every code of the sector (their documents carry it).
    await db_session.execute(update(NaicsCode).where(NaicsCode.code == "99").values(title="Omega Sector"))
    await db_session.commit()
    await worker.drain()
    doc = await get_document(search, prefix, "naics", "999990")
    assert doc is not None and doc["_source"]["sector_title"] == "Omega Sector"

    await db_session.execute(delete(NaicsCode).where(NaicsCode.code == "999990"))
    await db_session.commit()
    await worker.drain()
    assert await get_document(search, prefix, "naics", "999990") is None
    assert await indexed_documents(search, prefix, "naics") == await expected_documents(sessions, "naics")
    assert await _outbox_count(db_session) == 0


async def test_experience_create_update_delete_reach_the_index(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings, sessions
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session, "ada")
    job = await add_experience(db_session, user, "Analytical engine programmer", organization="Babbage & Co")
    await worker.drain()
    doc = await get_document(search, prefix, "experiences", job.id)
    assert doc is not None
    assert doc["_source"]["title"] == "Analytical engine programmer"
    assert doc["_source"]["username"] == "ada"
    first_version = doc["_version"]
    assert first_version == (await expected_documents(sessions, "experiences"))[job.id]

    job.title = "Analytical engine lead programmer"
    await db_session.commit()
    await worker.drain()
    doc = await get_document(search, prefix, "experiences", job.id)
    assert doc is not None and doc["_source"]["title"] == "Analytical engine lead programmer"
    assert doc["_version"] > first_version
    assert doc["_version"] == (await expected_documents(sessions, "experiences"))[job.id]

    await db_session.delete(job)
    await db_session.commit()
    await worker.drain()
    assert await get_document(search, prefix, "experiences", job.id) is None


async def test_stale_or_repeated_delivery_never_overwrites_a_newer_document(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings, sessions
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session)
    job = await add_experience(db_session, user, "Old title")
    await worker.drain()

    # A slow indexer reads the old state, then the row changes and a faster one indexes it.
    async with sessions() as slow_session:
        stale_actions = await actions_for_rows(slow_session, [OutboxRow(0, "experience", job.id, 1)])
    job.title = "New title"
    await db_session.commit()
    await worker.drain()
    newest = (await expected_documents(sessions, "experiences"))[job.id]

    # The slow indexer's write lands last: rejected as stale, the newer document stays.
    alias = worker.manager.names("experiences").alias
    summary = await write(search, stale_actions, {"experiences": [alias]})
    assert summary.stale == len(stale_actions) and summary.written == 0
    doc = await get_document(search, prefix, "experiences", job.id)
    assert doc is not None and doc["_source"]["title"] == "New title" and doc["_version"] == newest

    # Redelivering old outbox rows (any version) just re-reads current state: no change.
    db_session.add_all(
        [
            SearchOutbox(entity="experience", entity_id=job.id, version=1),
            SearchOutbox(entity="user", entity_id=user.id, version=1),
        ]
    )
    await db_session.commit()
    await worker.drain()
    doc = await get_document(search, prefix, "experiences", job.id)
    assert doc is not None and doc["_source"]["title"] == "New title" and doc["_version"] == newest


async def test_username_change_and_deactivation_update_and_remove_the_users_documents(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings, sessions
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session, "grace")
    other = await add_user(db_session, "alan")
    jobs = [await add_experience(db_session, user, f"Compiler work {n}") for n in range(3)]
    theirs = await add_experience(db_session, other, "Codebreaking")
    await worker.drain()

    user.username = "grace_h"
    await db_session.commit()
    await worker.drain()
    for job in jobs:
        doc = await get_document(search, prefix, "experiences", job.id)
        assert doc is not None and doc["_source"]["username"] == "grace_h"

    user.is_active = False
    await db_session.commit()
    await worker.drain()
    for job in jobs:
        assert await get_document(search, prefix, "experiences", job.id) is None
    assert await get_document(search, prefix, "experiences", theirs.id) is not None

    user.is_active = True
    await db_session.commit()
    await worker.drain()
    for job in jobs:
        assert await get_document(search, prefix, "experiences", job.id) is not None
    assert await indexed_documents(search, prefix, "experiences") == await expected_documents(
        sessions, "experiences"
    )


async def test_deleting_a_user_removes_their_experience_documents(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings, sessions
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session)
    keeper = await add_user(db_session)
    jobs = [await add_experience(db_session, user, f"Job {n}") for n in range(4)]
    kept = await add_experience(db_session, keeper, "Kept job")
    await worker.drain()
    assert all([await get_document(search, prefix, "experiences", job.id) for job in jobs])

    await db_session.execute(delete(User).where(User.id == user.id))
    await db_session.commit()
    await worker.drain()
    for job in jobs:
        assert await get_document(search, prefix, "experiences", job.id) is None
    assert await get_document(search, prefix, "experiences", kept.id) is not None
    assert set(await indexed_documents(search, prefix, "experiences")) == {kept.id}


async def test_two_workers_draining_at_once_never_take_the_same_row(
    worker: OutboxWorker,
    db_session: AsyncSession,
    search: AsyncOpenSearch,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    user = await add_user(db_session)
    await db_session.execute(
        Experience.__table__.insert(),
        [
            {
                "id": f"{n:032x}",
                "user_id": user.id,
                "title": f"Bulk job {n}",
                "category": "workplace",
                "experience_type": "gig",
            }
            for n in range(400)
        ],
    )
    await db_session.execute(
        update(Experience).where(Experience.title.like("Bulk job 1%")).values(tags=["x"])
    )
    await db_session.commit()
    pending = set(await db_session.scalars(select(SearchOutbox.id)))
    assert len(pending) > 400

    first = make_worker(sessions, search, settings, batch_size=25)
    second = make_worker(sessions, search, settings, batch_size=25)

    async def consume(one: OutboxWorker) -> list[int]:
        claimed: list[int] = []
        while (result := await one.run_once()) is not None:
            claimed += result.row_ids
        return claimed

    a, b = await asyncio.gather(consume(first), consume(second))
    assert a and b, "both workers took part"
    assert not set(a) & set(b)
    assert len(a) + len(b) == len(set(a) | set(b)) == len(pending)
    assert set(a) | set(b) == pending
    assert await _outbox_count(db_session) == 0
    assert await indexed_documents(search, settings.index_prefix, "experiences") == await expected_documents(
        sessions, "experiences"
    )


async def test_an_indexer_killed_between_bulk_and_commit_loses_nothing(
    worker: OutboxWorker,
    db_session: AsyncSession,
    search: AsyncOpenSearch,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    db_engine,
) -> None:
    prefix = settings.index_prefix
    user = await add_user(db_session)
    job = await add_experience(db_session, user, "Before the crash")
    rows_before = await _outbox_count(db_session)
    assert rows_before > 0

    # SHARE mode lets the worker claim (FOR UPDATE) and write the engine, but blocks its DELETE of
    # the claimed rows: the worker is held exactly between bulk write and commit.
    async with db_engine.connect() as blocker:
        await blocker.execute(text("LOCK TABLE search_outbox IN SHARE MODE"))
        victim = make_worker(sessions, search, settings)
        task = asyncio.create_task(victim.run_once())

        async def written() -> bool:
            return await get_document(search, prefix, "experiences", job.id) is not None

        deadline = asyncio.get_running_loop().time() + 10
        while not await written():
            assert asyncio.get_running_loop().time() < deadline, "the bulk write never happened"
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert not task.done()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await blocker.rollback()

    assert await _outbox_count(db_session) == rows_before, "the claimed rows are still there"
    job.title = "After the crash"
    await db_session.commit()

    await worker.drain()
    doc = await get_document(search, prefix, "experiences", job.id)
    assert doc is not None and doc["_source"]["title"] == "After the crash"
    assert doc["_version"] == (await expected_documents(sessions, "experiences"))[job.id]
    assert await _outbox_count(db_session) == 0


async def test_listen_notify_makes_a_change_searchable_well_under_two_seconds(
    db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings, sessions
) -> None:
    # Polling every 30 s: only the notification can explain a fast pick-up.
    listening = make_worker(sessions, search, settings, poll_seconds=30.0)
    await listening.heal()
    stop = asyncio.Event()
    task = asyncio.create_task(listening.run(stop))
    try:
        assert listening.listener is not None
        for _ in range(100):
            if listening.listener.listening:
                break
            await asyncio.sleep(0.02)
        assert listening.listener.listening
        await asyncio.sleep(0.2)  # the first batch after connecting has run
        user = await add_user(db_session)
        started = asyncio.get_running_loop().time()
        await add_experience(db_session, user, "Zymurgy brewmaster")
        alias = listening.manager.names("experiences").alias
        query = {"query": {"match": {"title": "zymurgy"}}}
        while not (await search.search(index=alias, body=query))["hits"]["total"]["value"]:
            assert asyncio.get_running_loop().time() - started < 2.0, "not searchable within 2 s"
            await asyncio.sleep(0.01)
        elapsed = asyncio.get_running_loop().time() - started
        assert elapsed < 1.0, f"took {elapsed:.2f}s"
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
