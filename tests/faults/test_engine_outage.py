"""The must-show fault: the search engine dies in the middle of a stream of writes and searches.

The real app runs over HTTP with its in-process indexer, exactly as `levelith serve` runs it, on a
dedicated osmem. Part-way through 500 experience writes interleaved with 500 searches the engine
is SIGKILLed, and later started again, empty, on the same address. Not one response may be a 5xx,
every write must succeed, searches answer from PostgreSQL meanwhile, and once the indexer has
rebuilt the indexes they hold exactly what PostgreSQL holds: same ids, same versions.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from opensearchpy import AsyncOpenSearch
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.models import Experience, NaicsCode, SearchOutbox
from indexer.health import ensure_search_indexes
from indexer.worker import in_process_indexer
from tests.faults.conftest import KillableEngine, bearer, on_engine, register
from tests.support.indexes import expected_documents, indexed_documents
from tests.support.live_server import serve
from tests.support.waiting import eventually

WRITES = 500
SEARCHES = 500
LANES = 4  # concurrent clients
KILL_AT = 300  # requests done when the engine is killed ...
RESTART_AT = 650  # ... and when it comes back, empty
KINDS = ("naics", "experiences")

SEARCHES_CYCLE = [
    ("/api/v1/naics/search", {"q": "software"}),
    ("/api/v1/naics/autocomplete", {"q": "dent"}),
    ("/api/v1/experiences/search", {"q": "welder"}),
    ("/api/v1/naics/search", {"q": "restaurnt", "sector": "72"}),
    ("/api/v1/naics/autocomplete", {"q": "54"}),
    ("/api/v1/experiences/search", {"q": "", "category": "workplace"}),
]


@dataclass
class Stream:
    users: list[tuple[str, str]]  # (username, token)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    engines_while_down: Counter[str] = field(default_factory=Counter)
    engine_down: bool = False
    done: int = 0
    reached: dict[int, asyncio.Event] = field(
        default_factory=lambda: {KILL_AT: asyncio.Event(), RESTART_AT: asyncio.Event()}
    )
    created: int = 0
    deleted: int = 0
    owned: dict[str, list[str]] = field(default_factory=dict)  # username -> experience ids

    def record(self, what: str, response: httpx.Response) -> None:
        self.statuses[response.status_code] += 1
        self.done += 1
        if self.done in self.reached:
            self.reached[self.done].set()
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code} {response.text[:300]}")


async def _write(http: httpx.AsyncClient, stream: Stream, n: int) -> None:
    username, token = stream.users[n % len(stream.users)]
    mine = stream.owned.setdefault(username, [])
    step = n // len(stream.users)
    if step % 5 == 3 and mine:
        doomed = mine.pop(0)
        response = await http.delete(f"/api/v1/experiences/{doomed}", headers=bearer(token))
        ok = response.status_code == 204
        stream.deleted += ok
    elif step % 5 == 4 and mine:
        response = await http.patch(
            f"/api/v1/experiences/{mine[-1]}",
            json={"title": f"Senior welder, write {n}", "tags": ["updated"]},
            headers=bearer(token),
        )
        ok = response.status_code == 200
    else:
        response = await http.post(
            "/api/v1/experiences",
            json={
                "experience_type": "full_time",
                "title": f"Welder, write {n}",
                "organization": "Forge & Co",
                "naics_code": "332312" if n % 2 else None,
                "start_date": "2020-01-01",
                "tags": ["welding"],
            },
            headers=bearer(token),
        )
        ok = response.status_code == 201
        if ok:
            mine.append(response.json()["id"])
            stream.created += 1
    stream.record(f"write {n}", response)
    if not ok and response.status_code < 500:
        stream.failures.append(f"write {n}: {response.status_code} {response.text[:300]}")


async def _search(http: httpx.AsyncClient, stream: Stream, n: int) -> None:
    path, params = SEARCHES_CYCLE[n % len(SEARCHES_CYCLE)]
    down_before = stream.engine_down
    response = await http.get(path, params=params)
    stream.record(f"search {n} {path}", response)
    if response.status_code != 200:
        stream.failures.append(f"search {n}: {response.status_code} {response.text[:300]}")
    elif down_before and stream.engine_down:  # sent and answered while the engine was dead
        stream.engines_while_down[f"{path} {response.json()['engine']}"] += 1


async def _lane(http: httpx.AsyncClient, stream: Stream, work: itertools.count, total: int) -> None:
    while (n := next(work)) < total:
        # Interleaved: even requests write, odd ones search.
        if n % 2 == 0:
            await _write(http, stream, n // 2)
        else:
            await _search(http, stream, n // 2)


async def _saboteur(engine: KillableEngine, stream: Stream) -> None:
    await stream.reached[KILL_AT].wait()
    await asyncio.to_thread(engine.kill)
    stream.engine_down = True
    await stream.reached[RESTART_AT].wait()
    stream.engine_down = False
    await asyncio.to_thread(engine.restart)


async def _in_step(sessions: async_sessionmaker[AsyncSession], client: AsyncOpenSearch, prefix: str) -> bool:
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(SearchOutbox)):
            return False
    try:
        for kind in KINDS:
            if await indexed_documents(client, prefix, kind) != await expected_documents(sessions, kind):
                return False
    except Exception:  # engine still coming up, or the index not rebuilt yet
        return False
    return True


@pytest.mark.slow
async def test_engine_killed_during_writes_and_searches_no_5xx_and_the_index_equals_postgres(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], killable_engine: KillableEngine
) -> None:
    live = on_engine(settings, killable_engine)
    await ensure_search_indexes(live)  # the start-up step of `levelith serve`
    prefix = live.index_prefix
    search = AsyncOpenSearch(hosts=[killable_engine.url], timeout=5, max_retries=0)
    try:
        with serve(live, background=[in_process_indexer(live)]) as base:
            async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
                users = [await register(http) for _ in range(3)]
                stream = Stream(users=[(name, token) for name, _, token in users])
                work = itertools.count()
                await asyncio.wait_for(
                    asyncio.gather(
                        _saboteur(killable_engine, stream),
                        *(_lane(http, stream, work, WRITES + SEARCHES) for _ in range(LANES)),
                    ),
                    # A bound, not a speed target: ~15 s alone, ~80 s under coverage's thread tracing.
                    timeout=300,
                )

                assert stream.done == WRITES + SEARCHES
                assert not stream.failures, "\n".join(stream.failures[:20])
                assert not [s for s in stream.statuses if s >= 500], stream.statuses
                # While the engine was dead, searches were answered from PostgreSQL, and
                # autocomplete from the process's own index (or PostgreSQL before it was built).
                answered_by = {key.rsplit(" ", 1)[1] for key in stream.engines_while_down}
                assert "postgres" in answered_by, stream.engines_while_down
                for key in stream.engines_while_down:
                    path, engine = key.rsplit(" ", 1)
                    allowed = {"memory", "postgres"} if path.endswith("/autocomplete") else {"postgres"}
                    assert engine in allowed, stream.engines_while_down

                # The indexer notices the empty engine, rebuilds from PostgreSQL, applies the outbox.
                await eventually(lambda: _in_step(sessions, search, prefix), within=90, step=0.2)

                # The circuit breaker sends searches back to the engine once a background probe
                # finds it answering again (every SEARCH_BREAKER_PROBE_SECONDS).
                async def engine_answers() -> bool:
                    back = await http.get("/api/v1/experiences/search", params={"q": "welder", "limit": 1})
                    assert back.status_code == 200
                    return back.json()["engine"] == "opensearch"

                await eventually(engine_answers, within=60, step=0.5)

        counts = {}
        for kind in KINDS:
            indexed = await indexed_documents(search, prefix, kind)
            expected = await expected_documents(sessions, kind)
            assert indexed.keys() == expected.keys(), kind  # same ids
            assert indexed == expected, kind  # same versions
            counts[kind] = len(indexed)
        async with sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(Experience))
            codes = await session.scalar(select(func.count()).select_from(NaicsCode))
        assert stored == stream.created - stream.deleted > 0  # no write lost
        assert counts == {"experiences": stored, "naics": codes}  # same counts
    finally:
        await search.close()
