"""`levelith serve --workers 2` as an operator runs it: one indexer among the processes, each
process's autocomplete kept fresh, and a clean stop on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import NaicsCode
from tests.support.indexes import get_document
from tests.support.live_server import free_port
from tests.support.metrics import samples, value
from tests.support.rows import add_experience, add_user
from tests.support.serve_process import stop, wait_ready
from tests.support.waiting import eventually

pytestmark = pytest.mark.slow


def start_serve(settings: Settings, log: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "OPENSEARCH_URL": settings.opensearch_url or "",
        "OPENSEARCH_INDEX_PREFIX": settings.index_prefix,
        "LEVELITH_DATA_DIR": str(settings.data_dir),
        "SECRET_KEY": settings.secret_key,
        "TYPEAHEAD_REFRESH_SECONDS": "0.5",
        "LOG_LEVEL": "INFO",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--port", str(port), *extra],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def worker_processes(parent: int) -> int:
    """uvicorn's worker processes under `levelith serve`: spawned interpreters (Linux /proc)."""
    count = 0
    for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError):  # exited since it was listed
            count += "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    return count


async def test_two_workers_one_indexer_fresh_autocomplete_clean_stop(
    settings: Settings, db_session: AsyncSession, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    process = start_serve(settings, log, port, "--workers", "2")
    search = AsyncOpenSearch(hosts=[settings.opensearch_url])
    try:
        wait_ready(base, process, log)
        # Two API processes under serve (uvicorn's own "Started server process" lines are
        # DEBUG-only since the quiet start log, app/logs.py).
        await eventually(lambda: _async(worker_processes(process.pid) == 2), within=120)

        # A write PostgreSQL accepted reaches the index: some worker runs the indexer.
        user = await add_user(db_session)
        experience = await add_experience(db_session, user, "Welder at the shipyard")
        prefix = settings.index_prefix

        async def indexed() -> bool:
            return await get_document(search, prefix, "experiences", str(experience.id)) is not None

        await eventually(indexed, within=60, step=0.2)

        # A catalogue edit shows in every process's in-memory autocomplete: new connections
        # land on either worker, and all of twenty in a row must see it.
        row = await db_session.get(NaicsCode, "541511")
        assert row is not None
        row.title = "Custom computer programming services zyxwvut"
        await db_session.commit()

        sent = 0

        async def every_worker_sees_it() -> bool:
            nonlocal sent
            for _ in range(20):
                async with httpx.AsyncClient(base_url=base) as client:
                    body = (await client.get("/api/v1/naics/autocomplete", params={"q": "zyxwvut"})).json()
                sent += 1
                if [hit["code"] for hit in body["items"]][:1] != ["541511"]:
                    return False
            return True

        await eventually(every_worker_sees_it, within=30, step=0.2)

        # prometheus-client's multiprocess mode: a scrape of either worker counts both.
        async with httpx.AsyncClient(base_url=base) as client:
            scraped = samples((await client.get("/metrics")).text)
        route = "/api/v1/naics/autocomplete"
        assert value(scraped, "levelith_http_requests_total", path=route) == sent
    finally:
        await search.close()
        code = stop(process)
    output = log.read_text()
    assert code == 0, output
    assert output.count("runs the outbox indexer") == 1, output
    assert "Traceback" not in output, output


async def test_run_indexer_false_leaves_the_outbox_alone(
    settings: Settings, db_session: AsyncSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUN_INDEXER", "false")
    port = free_port()
    log = tmp_path / "serve.log"
    # One worker: the election is the same code whatever the count, and starts faster.
    process = start_serve(settings, log, port)
    try:
        wait_ready(f"http://127.0.0.1:{port}", process, log)
    finally:
        code = stop(process)
    assert code == 0
    assert "runs the outbox indexer" not in log.read_text()


async def _async(value: bool) -> bool:
    return value
