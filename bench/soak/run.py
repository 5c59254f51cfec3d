"""One soak run: `levelith serve` and `levelith indexer run` on a dedicated PostgreSQL and osmem,
16 connections of mixed traffic for N minutes, faults on a clock, probes every few seconds."""

from __future__ import annotations

import asyncio
import logging
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from opensearchpy import AsyncOpenSearch

from app.config import Settings
from app.db.engine import create_engine, session_factory
from bench.common.cli import levelith_command, service_env
from bench.common.engines import BenchEngines
from bench.common.machine import git_facts, machine_facts
from bench.common.paths import REPO_ROOT
from bench.common.results import utc_now
from bench.common.service import Service
from bench.common.stats import percentile
from bench.faults.consistency import indexed, wait_until_equal
from bench.faults.run import Engines, Indexer, run_with_engines
from bench.faults.traffic import register_users
from bench.soak.probes import database_connections, open_fds, rss_kib
from bench.soak.traffic import MIX, Lane, Tally

log = logging.getLogger(__name__)

# (fraction of the run, fault): the engine killed and restarted twice, the indexer once, one
# full reindex in the middle. Traffic never pauses for them.
SCHEDULE: tuple[tuple[float, str], ...] = (
    (0.15, "kill engine"),
    (0.20, "restart engine"),
    (0.30, "kill indexer"),
    (0.35, "restart indexer"),
    (0.50, "reindex all"),
    (0.70, "kill engine"),
    (0.75, "restart engine"),
)


@dataclass(frozen=True)
class Config:
    minutes: float = 30.0
    connections: int = 16
    sample_seconds: float = 10.0
    settle_seconds: float = 300.0
    seed: int = 14

    @property
    def warmup_seconds(self) -> float:
        """Growth is measured after this: 5 minutes of a full run, a sixth of a short one."""
        return min(300.0, self.minutes * 60 / 6)


def _reindex(env: dict[str, str], log_path: Path) -> dict[str, Any]:
    started = time.monotonic()
    with log_path.open("ab") as out:
        done = subprocess.run(
            levelith_command("reindex", "all"),
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=900,
            check=False,
        )
    return {"returncode": done.returncode, "seconds": round(time.monotonic() - started, 1)}


async def _saboteur(
    config: Config, engines: Engines, indexer: Indexer, env: dict[str, str], workdir: Path, t0: float
) -> list[dict[str, Any]]:
    events = []
    for fraction, fault in SCHEDULE:
        delay = t0 + fraction * config.minutes * 60 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        started = time.monotonic()
        event: dict[str, Any] = {"fault": fault, "t_seconds": round(started - t0, 1)}
        if fault == "kill engine":
            await asyncio.to_thread(engines.kill_engine)
        elif fault == "restart engine":
            await asyncio.to_thread(engines.restart_engine)
        elif fault == "kill indexer":
            await asyncio.to_thread(indexer.kill)
        elif fault == "restart indexer":
            await asyncio.to_thread(indexer.start)
        else:
            event.update(await asyncio.to_thread(_reindex, env, workdir / "reindex.log"))
        event["took_seconds"] = round(time.monotonic() - started, 1)
        log.info("fault: %s", event)
        events.append(event)
    return events


async def _sampler(
    pid: int, tally: Tally, settings: Settings, t0: float, until: float, every: float
) -> list[dict[str, Any]]:
    engine = create_engine(settings)
    samples: list[dict[str, Any]] = []
    last_requests = 0
    try:
        while True:
            now = time.monotonic()
            connections = await database_connections(engine)
            samples.append(
                {
                    "t_seconds": round(now - t0, 1),
                    "rss_kib": rss_kib(pid),
                    "open_fds": open_fds(pid),
                    "db_connections": sum(connections.values()) if connections else None,
                    "db_connections_by_state": connections,
                    "requests": tally.requests,
                    "rps": round((tally.requests - last_requests) / every, 1) if samples else None,
                    "failures": tally.failure_count,
                }
            )
            last_requests = tally.requests
            if now >= until:
                return samples
            await asyncio.sleep(min(every, max(until - now, 0.5)))
    finally:
        await engine.dispose()


def _median(samples: list[dict[str, Any]], key: str) -> float | None:
    values = [s[key] for s in samples if s.get(key) is not None]
    return statistics.median(values) if values else None


def _growth(samples: list[dict[str, Any]], warmup: float, key: str) -> dict[str, Any]:
    """The metric right after warm-up against the end of the run (medians of 3 samples each)."""
    after = [s for s in samples if s["t_seconds"] >= warmup]
    start, end = _median(after[:3], key), _median(after[-3:], key)
    values = [s[key] for s in after if s.get(key) is not None]
    growth = (end - start) / start if start and end is not None else None
    return {
        "after_warmup": start,
        "at_end": end,
        "min": min(values, default=None),
        "max": max(values, default=None),
        "growth_fraction": round(growth, 4) if growth is not None else None,
    }


async def _writes_found(settings: Settings, live_ids: dict[str, str]) -> dict[str, Any]:
    client = AsyncOpenSearch(hosts=[settings.opensearch_url], timeout=30)
    try:
        have = await indexed(client, "experiences", settings.index_prefix)
    finally:
        await client.close()
    missing = sorted(set(live_ids) - set(have))
    return {
        "still_live": len(live_ids),
        "found_in_index": len(live_ids) - len(missing),
        "missing": missing[:20],
    }


async def _run(config: Config, engines: Engines, workdir: Path) -> dict[str, Any]:
    bench = BenchEngines(engines.database_url, engines.search_url, "embedded", "embedded", workdir)
    env = service_env(bench, RUN_INDEXER="false", OPENSEARCH_TIMEOUT="0.5")
    indexer = Indexer(env, workdir / "indexer.log")
    settings = Settings(database_url=engines.database_url, opensearch_url=engines.search_url)
    report: dict[str, Any] = {}
    with Service(env, workdir / "serve.log") as service:
        indexer.start()
        try:
            limits = httpx.Limits(
                max_connections=config.connections, max_keepalive_connections=config.connections
            )
            async with httpx.AsyncClient(
                base_url=service.base_url, timeout=60, trust_env=False, limits=limits
            ) as http:
                users = await register_users(http, config.connections)
                lanes = [Lane(n, name, token, config.seed + n) for n, (name, token) in enumerate(users)]
                tally = Tally()
                t0 = time.monotonic()
                until = t0 + config.minutes * 60
                sampler = asyncio.create_task(
                    _sampler(service.pid, tally, settings, t0, until, config.sample_seconds)
                )
                saboteur = asyncio.create_task(_saboteur(config, engines, indexer, env, workdir, t0))
                await asyncio.gather(*(lane.run(tally, http, until) for lane in lanes))
                seconds = time.monotonic() - t0
                events = await saboteur
                samples = await sampler
            indexer.start()
            engines.restart_engine()
            sql_engine = create_engine(settings)
            client = AsyncOpenSearch(hosts=[engines.search_url], timeout=30)
            try:
                consistency, settle = await wait_until_equal(
                    session_factory(sql_engine), client, config.settle_seconds
                )
            finally:
                await client.close()
                await sql_engine.dispose()
            found = await _writes_found(settings, tally.live_ids)
        finally:
            indexer.stop()
        report["serve_log_errors"] = [
            line for line in service.log_tail(400).splitlines() if "ERROR" in line or "Traceback" in line
        ][:30]
    server_errors = {s: n for s, n in tally.statuses.items() if s >= 500}
    undocumented = sum(server_errors.values()) - tally.documented_503
    rss = _growth(samples, config.warmup_seconds, "rss_kib")
    fds = _growth(samples, config.warmup_seconds, "open_fds")
    connections = _growth(samples, config.warmup_seconds, "db_connections")
    latency = {
        kind: {"p50": round(percentile(values, 50) or 0, 1), "p99": round(percentile(values, 99) or 0, 1)}
        for kind, values in tally.latency_ms.items()
        if values
    }
    report.update(
        seconds=round(seconds, 1),
        requests=tally.requests,
        requests_per_second=round(tally.requests / seconds, 1) if seconds else None,
        mix_requested=dict(MIX),
        mix_sent={k: round(v / max(tally.requests, 1), 3) for k, v in sorted(tally.by_kind.items())},
        statuses={str(k): v for k, v in sorted(tally.statuses.items())},
        server_errors=sum(server_errors.values()),
        documented_503_with_retry_after=tally.documented_503,
        undocumented_5xx=undocumented,
        search_engines=dict(tally.engines),
        latency_ms=latency,
        writes={
            "accepted": tally.writes_accepted,
            "refused": tally.writes_refused,
            "deleted": tally.deletes_accepted,
            **found,
        },
        api_rss_kib=rss,
        api_open_fds=fds,
        db_connections=connections,
        faults=events,
        consistency=consistency,
        settle_seconds=round(settle, 1),
        failures=tally.failures[:50],
        failure_count=tally.failure_count,
        samples=samples,
    )
    fds_flat = (
        fds["at_end"] is not None
        and fds["after_warmup"] is not None
        and fds["at_end"] <= fds["after_warmup"] + 5
    )
    connections_flat = (
        connections["max"] is not None
        and connections["after_warmup"] is not None
        and connections["at_end"] is not None
        and connections["at_end"] <= connections["after_warmup"] + 2
    )
    report["targets"] = {
        "no_undocumented_5xx": undocumented == 0,
        "rss_growth_below_10_percent": rss["growth_fraction"] is not None and rss["growth_fraction"] < 0.10,
        "open_fds_flat": fds_flat,
        "db_connections_flat": connections_flat,
        "indexes_equal_postgres": bool(consistency.get("equal")),
        "every_live_write_found": found["found_in_index"] == found["still_live"],
        "reindex_succeeded": all(e.get("returncode", 0) == 0 for e in events),
    }
    report["passed"] = all(report["targets"].values()) and tally.failure_count == 0
    return report


def run(config: Config) -> dict[str, Any]:
    body = run_with_engines(lambda engines, workdir: _run(config, engines, workdir))
    return {
        "generated_at": utc_now(),
        "config": {
            "minutes": config.minutes,
            "connections": config.connections,
            "sample_seconds": config.sample_seconds,
            "warmup_seconds": config.warmup_seconds,
            "schedule": [{"at": f, "fault": name} for f, name in SCHEDULE],
            "load_generator": "Python (httpx), for a soak only: not a throughput measurement",
        },
        "machine": machine_facts(),
        "git": git_facts(),
        **body,
    }
