"""One fault run: `levelith serve` and a separate `levelith indexer run` on a dedicated PostgreSQL and
osmem, a stream of writes and searches over HTTP, and a schedule of faults keyed to its progress."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from opensearchpy import AsyncOpenSearch

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.embedded.opensearch import EmbeddedOpenSearch
from app.embedded.postgres import EmbeddedPostgres
from bench.common.cli import levelith_command, service_env
from bench.common.engines import BENCH_DATABASE, BenchEngines, create_database
from bench.common.machine import git_facts, machine_facts
from bench.common.paths import REPO_ROOT
from bench.common.results import utc_now
from bench.common.service import Service, free_port
from bench.faults.consistency import wait_until_equal
from bench.faults.traffic import Stream, register_users, run_stream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Config:
    writes: int = 5_000
    searches: int = 5_000
    lanes: int = 8
    users: int = 5
    # (fraction of the stream done, fault); the stream never pauses for them.
    schedule: tuple[tuple[float, str], ...] = (
        (0.10, "kill engine"),
        (0.18, "restart engine"),
        (0.26, "kill indexer"),
        (0.32, "restart indexer"),
        (0.40, "kill engine"),
        (0.46, "restart engine"),
        (0.56, "restart postgres"),
        (0.66, "kill engine"),
        (0.67, "kill indexer"),
        (0.76, "restart engine"),
        (0.78, "restart indexer"),
        (0.88, "kill engine"),
        (0.93, "restart engine"),
    )
    settle_seconds: float = 180.0


QUICK = Config(writes=500, searches=500, lanes=4, users=3)


class Engines:
    """PostgreSQL (embedded, restartable) and osmem on a fixed address (killable, restartable)."""

    def __init__(self, workdir: Path) -> None:
        self.pg: EmbeddedPostgres | None = None
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            self.pg = EmbeddedPostgres(workdir / "pgdata", delete_on_exit=True)
            asyncio.run(create_database(self.pg.url, BENCH_DATABASE))
            database_url = self.pg.database_url(BENCH_DATABASE)
        self.database_url = database_url
        self.addr = f"127.0.0.1:{free_port()}"
        self.search: EmbeddedOpenSearch | None = EmbeddedOpenSearch(addr=self.addr)
        self.search_url = self.search.url

    def kill_engine(self) -> None:
        if self.search is not None:
            os.kill(self.search.pid, signal.SIGKILL)
            self.search.stop()
            self.search = None

    def restart_engine(self) -> None:
        if self.search is None:
            self.search = EmbeddedOpenSearch(addr=self.addr)  # empty: osmem keeps nothing

    def restart_postgres(self, down_seconds: float = 2.0) -> None:
        if self.pg is None:
            raise RuntimeError("PostgreSQL comes from DATABASE_URL: this run cannot restart it")
        self.pg.pause()
        time.sleep(down_seconds)
        self.pg.resume()

    def close(self) -> None:
        self.kill_engine()
        if self.pg is not None:
            self.pg.stop()


class Indexer:
    """`levelith indexer run` as its own process, so it can be SIGKILLed mid-batch."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.process is None:
            with self.log_path.open("ab") as out:
                self.process = subprocess.Popen(
                    levelith_command("indexer", "run"),
                    cwd=REPO_ROOT,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="levelith-faults-") as tmp:
        yield Path(tmp)


async def _until_engine_answers(http: httpx.AsyncClient, stream: Stream, within: float = 120) -> float | None:
    """Seconds until an experience search is answered by the engine again (index rebuilt); None if
    the next fault came first."""
    started = time.monotonic()
    while time.monotonic() - started < within and "engine" not in stream.state:
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            response = await http.get("/api/v1/experiences/search", params={"q": "welder", "limit": 1})
            if response.status_code == 200 and response.json()["engine"] == "opensearch":
                return round(time.monotonic() - started, 2)
        await asyncio.sleep(0.2)
    return None


async def _saboteur(
    stream: Stream, engines: Engines, indexer: Indexer, http: httpx.AsyncClient, config: Config, t0: float
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    recoveries: list[asyncio.Task[None]] = []
    broken: set[str] = set()
    actions = {
        "kill engine": engines.kill_engine,
        "restart engine": engines.restart_engine,
        "kill indexer": indexer.kill,
        "restart indexer": indexer.start,
        "restart postgres": engines.restart_postgres,
    }
    for fraction, fault in config.schedule:
        at = max(1, int(stream.total * fraction))
        await stream.at(at).wait()
        started = time.monotonic()
        if fault.startswith("kill"):
            broken.add(fault.removeprefix("kill "))
        elif fault == "restart postgres":
            broken.add("postgres")
        stream.state = "+".join(sorted(broken)) + " down"
        await asyncio.to_thread(actions[fault])
        event: dict[str, Any] = {
            "fault": fault,
            "at_request": at,
            "t_seconds": round(started - t0, 2),
            "took_seconds": round(time.monotonic() - started, 2),
        }
        if fault.startswith("restart"):
            broken.discard(fault.removeprefix("restart "))
        stream.state = ("+".join(sorted(broken)) + " down") if broken else "healthy"
        if fault == "restart engine" and "indexer" not in broken:

            async def recovery(event: dict[str, Any] = event) -> None:
                event["engine_answers_again_after_seconds"] = await _until_engine_answers(http, stream)

            recoveries.append(asyncio.create_task(recovery()))
        events.append(event)
        log.info("fault: %s at request %d (%.1fs)", fault, at, event["took_seconds"])
    await asyncio.gather(*recoveries)
    return events


async def _run(config: Config, engines: Engines, workdir: Path) -> dict[str, Any]:
    bench = BenchEngines(engines.database_url, engines.search_url, "embedded", "embedded", workdir)
    env = service_env(bench, RUN_INDEXER="false", OPENSEARCH_TIMEOUT="0.5")
    indexer = Indexer(env, workdir / "indexer.log")
    report: dict[str, Any] = {}
    with Service(env, workdir / "serve.log") as service:
        indexer.start()
        try:
            async with httpx.AsyncClient(base_url=service.base_url, timeout=60, trust_env=False) as http:
                stream = Stream(total=config.writes + config.searches)
                stream.users = await register_users(http, config.users)
                t0 = time.monotonic()
                saboteur = asyncio.create_task(_saboteur(stream, engines, indexer, http, config, t0))
                seconds = await run_stream(stream, http, config.lanes)
                events = await saboteur
                indexer.start()  # whatever the schedule left, the indexer runs for the final check
                engines.restart_engine()
                sql_engine = create_engine(Settings(database_url=engines.database_url))
                client = AsyncOpenSearch(hosts=[engines.search_url], timeout=30)
                try:
                    consistency, settle = await wait_until_equal(
                        session_factory(sql_engine), client, config.settle_seconds
                    )
                finally:
                    await client.close()
                    await sql_engine.dispose()
        finally:
            indexer.stop()
        report["serve_log_tail"] = service.log_tail(15)
    non_503 = {s: n for s, n in stream.statuses.items() if s >= 500 and s != 503}
    report.update(
        stream_seconds=round(seconds, 1),
        requests=stream.done,
        statuses={str(k): v for k, v in sorted(stream.statuses.items())},
        server_errors_other_than_503=sum(non_503.values()),
        retried_503_with_retry_after=stream.retried_503,
        writes={
            "ok": stream.writes_ok,
            "failed": stream.writes_failed,
            "created": stream.created,
            "deleted": stream.deleted,
        },
        search_engines=dict(stream.engines),
        search_engines_by_state={k: dict(v) for k, v in stream.engines_by_state.items()},
        faults=events,
        consistency=consistency,
        settle_seconds=round(settle, 1),
        failures=stream.failures[:50],
    )
    report["passed"] = bool(
        not stream.failures
        and stream.writes_failed == 0
        and report["server_errors_other_than_503"] == 0
        and consistency.get("equal")
    )
    return report


def run_with_engines(main: Callable[[Engines, Path], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run a benchmark's main coroutine with its own engines in a temporary folder, stopped after."""
    with _workdir() as workdir:
        engines = Engines(workdir)
        try:
            return asyncio.run(main(engines, workdir))
        finally:
            engines.close()


def run(config: Config) -> dict[str, Any]:
    body = run_with_engines(lambda engines, workdir: _run(config, engines, workdir))
    return {
        "generated_at": utc_now(),
        "config": {
            "writes": config.writes,
            "searches": config.searches,
            "lanes": config.lanes,
            "users": config.users,
            "schedule": [{"at": f, "fault": name} for f, name in config.schedule],
        },
        "machine": machine_facts(),
        "git": git_facts(),
        **body,
    }
