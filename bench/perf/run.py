"""One performance run: the embedded stack with the full official catalogue, then load,
sync lag, reindex throughput and memory, each phase recorded even if another fails."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
import httpx
from opensearchpy import AsyncOpenSearch, OpenSearch

from bench.common.catalogue import import_catalogue
from bench.common.census_files import locate_census_files
from bench.common.cli import service_env
from bench.common.engines import BenchEngines, bench_engines
from bench.common.machine import engine_facts, git_facts, machine_facts, postgres_facts
from bench.common.paths import census_dir
from bench.common.results import utc_now
from bench.common.search_ready import alias, wait_for_naics
from bench.common.service import Service
from bench.perf import report as perf_report
from bench.perf.experience_words import search_queries
from bench.perf.load import LoadSettings, drive
from bench.perf.memory import RssSampler, tree_rss
from bench.perf.reindex import (
    SyntheticExperiences,
    fetch_documents,
    index_definition,
    raw_bulk,
    startup_seconds,
    time_reindex,
)
from bench.perf.sync_lag import measure, register_users
from bench.perf.throughput import ThroughputSettings, naics_scenarios
from bench.perf.throughput import measure as measure_throughput
from bench.perf.throughput import ratios as throughput_ratios
from bench.perf.traffic import experience_search_paths, health_paths, stable_order

log = logging.getLogger(__name__)

# (user number, number of users, run number) -> that user's request paths
Scenario = Callable[[int, int, int], Iterator[str]]


@dataclass(frozen=True)
class PerfConfig:
    mode: str
    repeats: int
    load: LoadSettings
    sync_count: int
    sync_rate: float
    reindex_sizes: tuple[int, ...]
    concurrencies: tuple[int, ...] = (1, 8, 32)
    users: int = 4


QUICK = PerfConfig(
    mode="quick",
    repeats=1,
    load=LoadSettings(warmup_s=0.5, duration_s=3, max_requests=20_000),
    sync_count=100,
    sync_rate=20,
    reindex_sizes=(2_000, 10_000),
)
FULL = PerfConfig(
    mode="full",
    repeats=3,
    load=LoadSettings(warmup_s=2, duration_s=10, max_requests=200_000),
    sync_count=1_000,
    sync_rate=20,
    reindex_sizes=(10_000, 100_000),
)


@dataclass
class Phases:
    load_runs: list[dict[str, Any]] = field(default_factory=list)
    throughput: dict[str, Any] = field(default_factory=dict)
    sync_runs: list[dict[str, Any]] = field(default_factory=list)
    reindex: dict[str, Any] = field(default_factory=dict)
    startup_seconds: float | None = None
    rss_peaks: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def phase(phases: Phases, name: str, action: Callable[[], None]) -> None:
    """Run one phase; a failure is recorded (the endpoint may not exist yet) and the rest go on."""
    log.info("phase %s", name)
    try:
        action()
    except Exception as exc:
        log.error("phase %s failed: %s", name, exc)
        phases.errors[name] = "".join(traceback.format_exception_only(exc)).strip()[-2000:]


async def catalogue_inputs(engines: BenchEngines) -> tuple[list[str], list[str], dict[str, Any]]:
    """Industry titles to type, codes to read, and facts about the loaded data."""
    pool = await asyncpg.create_pool(engines.database_url, min_size=1, max_size=2)
    search = AsyncOpenSearch(hosts=[engines.opensearch_url], timeout=60)
    try:
        documents = await wait_for_naics(search, pool)
        rows = await pool.fetch("SELECT code, title, level FROM naics_codes WHERE is_active ORDER BY code")
        facts = {
            "naics_codes": len(rows),
            "by_level": {str(level): sum(1 for r in rows if r["level"] == level) for level in (2, 3, 4, 6)},
            "naics_search_documents": documents,
            "postgres_version": await pool.fetchval("SELECT version()"),
        }
    finally:
        await search.close()
        await pool.close()
    titles = stable_order([r["title"] for r in rows], salt="keystrokes")
    codes = stable_order([r["code"] for r in rows], salt="detail")
    return titles, codes, facts


async def load_phase(
    base_url: str, scenarios: dict[str, Scenario], config: PerfConfig, sampler: RssSampler, phases: Phases
) -> None:
    # Scenarios interleave within each repeat so drift on a noisy machine hits them alike.
    runs = enumerate((r, c) for r in range(config.repeats) for c in config.concurrencies)
    for number, (repeat, concurrency) in runs:
        for name, scenario in scenarios.items():
            with sampler.window(phases.rss_peaks, name):
                run = await drive(
                    base_url,
                    name,
                    lambda n, c=concurrency, s=scenario, k=number: s(n, c, k),
                    concurrency,
                    config.load,
                )
            phases.load_runs.append(run.as_dict())
            log.info(
                "%s c=%d run %d: %.0f req/s, p99 %s ms, errors %s",
                name, concurrency, repeat + 1, run.rps, run.latency["p99_ms"], run.errors,
            )  # fmt: skip


async def sync_phase(
    base_url: str, opensearch_url: str, config: PerfConfig, sampler: RssSampler, phases: Phases
) -> None:
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout would close them
    # under a request (a lost write, counted as an error, in earlier runs).
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=4)
    search = AsyncOpenSearch(hosts=[opensearch_url], timeout=30)
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
            tokens = await register_users(client, config.users)
            for repeat in range(config.repeats):
                with sampler.window(phases.rss_peaks, "sync_lag"):
                    run = await measure(
                        client,
                        search,
                        alias("experiences"),
                        tokens,
                        count=config.sync_count,
                        rate=config.sync_rate,
                    )
                phases.sync_runs.append(run.as_dict())
                log.info("sync lag run %d: %s (not visible: %d)", repeat + 1, run.lag, run.not_visible)
    finally:
        await search.close()


def wait_for_documents(client: OpenSearch, index: str, expected: int, within: float = 120) -> int:
    deadline = time.monotonic() + within
    seen = -1
    while time.monotonic() < deadline:
        client.indices.refresh(index=index)
        seen = int(client.count(index=index)["count"])
        if seen == expected:
            return seen
        time.sleep(0.5)
    raise RuntimeError(f"{index} holds {seen} documents after the reindex, PostgreSQL {expected}")


async def count_experiences(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM experiences e JOIN users u ON u.id = e.user_id WHERE u.is_active"
            )
        )
    finally:
        await connection.close()


def reindex_phase(engines: BenchEngines, env: dict[str, str], config: PerfConfig, phases: Phases) -> None:
    synthetic = SyntheticExperiences(engines.database_url)
    phases.startup_seconds = round(startup_seconds(env), 3)
    # parallel_bulk sends from 4 threads: one pooled connection each.
    client = OpenSearch(hosts=[engines.opensearch_url], timeout=600, pool_maxsize=8)
    definition = index_definition("experiences")
    try:
        for size in config.reindex_sizes:
            inserted = asyncio.run(synthetic.top_up(size))
            documents = asyncio.run(count_experiences(engines.database_url))
            log.info("reindex at %d experiences (%d synthetic rows added)", documents, inserted)
            reindex_runs = []
            for _ in range(config.repeats):
                reindex_runs.append(asdict(time_reindex(env, documents, phases.startup_seconds)))
                wait_for_documents(client, alias("experiences"), documents)
            prebuilt = fetch_documents(client, alias("experiences"))
            # parallel_bulk once per size: a second reference point, not the baseline's median.
            bulk_runs = [
                asdict(raw_bulk(client, definition, prebuilt, "bulk")) for _ in range(config.repeats)
            ]
            bulk_runs.append(asdict(raw_bulk(client, definition, prebuilt, "parallel_bulk")))
            cell = perf_report.aggregate_reindex(reindex_runs, bulk_runs)
            phases.reindex[str(size)] = {"documents": documents, **cell}
            log.info(
                "reindex %d: %s vs raw %s", documents, cell["levelith_docs_per_s"], cell["raw_docs_per_s"]
            )
    finally:
        client.close()


def run(config: PerfConfig) -> dict[str, Any]:
    started = time.perf_counter()
    files = locate_census_files(census_dir())
    phases = Phases()
    with bench_engines() as engines:
        env = service_env(engines)
        steps = import_catalogue(env, files.codes, files.descriptions, files.index)
        with Service(env, engines.workdir / "serve.log") as service:
            titles, codes, facts = asyncio.run(catalogue_inputs(engines))
            idle_rss = tree_rss(RssSampler(service.pid).process)
            sampler = RssSampler(service.pid)
            sampler.start()
            # NAICS throughput with wrk (bench/perf/throughput.py): /health, 6,000 distinct
            # as-typed autocomplete queries and every code's detail, cycled at 32 connections.
            wrk_settings = ThroughputSettings(
                seconds=config.load.duration_s, warmup_seconds=config.load.warmup_s, repeats=config.repeats
            )
            queries = search_queries()
            url = service.base_url

            def naics_throughput() -> None:
                with sampler.window(phases.rss_peaks, "naics_throughput"):
                    found = measure_throughput(url, naics_scenarios(titles, codes), wrk_settings)
                phases.throughput.update(found)

            phase(phases, "load", naics_throughput)
            phase(
                phases,
                "sync_lag",
                lambda: asyncio.run(sync_phase(url, engines.opensearch_url, config, sampler, phases)),
            )
            phase(phases, "reindex", lambda: reindex_phase(engines, env, config, phases))
            experience_scenarios: dict[str, Scenario] = {
                perf_report.EXPERIENCE_BASELINE: lambda n, c, k: health_paths(),
                "experience_search": lambda n, c, k: experience_search_paths(queries, n),
            }
            phase(
                phases,
                "experience_search",
                lambda: asyncio.run(load_phase(url, experience_scenarios, config, sampler, phases)),
            )
            peak_rss = sampler.stop()
        engine = engine_facts(engines.opensearch_url, engines.search_source)
        database = postgres_facts(facts.pop("postgres_version"), engines.database_source)

    load = perf_report.aggregate_load(phases.load_runs)
    wrk_ratios = throughput_ratios(phases.throughput) if phases.throughput else {}
    load_peak = max((v for k, v in phases.rss_peaks.items() if k != "sync_lag"), default=0)
    result: dict[str, Any] = {
        "benchmark": "perf",
        "schema_version": 1,
        "mode": config.mode,
        "generated_at": utc_now(),
        "duration_seconds": round(time.perf_counter() - started, 1),
        "machine": machine_facts(),
        "search_engine": engine,
        "postgres": database,
        "code": git_facts(),
        "data": {**facts, **steps},
        "settings": {
            "repeats": config.repeats,
            "concurrencies": list(config.concurrencies),
            "load": asdict(config.load),
            "load_generator": (
                "NAICS throughput: wrk, 32 connections, on the same machine (section throughput); "
                "experience search: aiohttp closed loop, one connection per simulated user"
            ),
            "sync_lag": {
                "experiences": config.sync_count,
                "rate_per_s": config.sync_rate,
                "users": config.users,
            },
            "reindex_sizes": list(config.reindex_sizes),
            "levelith_startup_seconds": phases.startup_seconds,
        },
        "load": {"scenarios": load},
        "throughput": {"workers": {"1": {"scenarios": phases.throughput, "ratios": wrk_ratios}}},
        "ratios": {
            "autocomplete_vs_health": {"32": wrk_ratios.get("autocomplete_vs_health")},
            "naics_detail_vs_health": {"32": wrk_ratios.get("naics_detail_vs_health")},
            "experience_search_vs_health": perf_report.throughput_ratios(
                load, "experience_search", baseline=perf_report.EXPERIENCE_BASELINE
            ),
        },
        "sync_lag": perf_report.aggregate_sync_lag(phases.sync_runs) if phases.sync_runs else {},
        "reindex": phases.reindex,
        "memory": {
            "api_idle_rss_bytes": idle_rss,
            # The headline: the highest seen while the load generator ran.
            "api_peak_rss_during_load_bytes": load_peak,
            "api_peak_rss_during_load_mib": round(load_peak / 2**20, 1),
            # Whole run, including the reindex phase (the service's own indexer is in-process).
            "api_peak_rss_bytes": peak_rss,
            "peak_rss_bytes_by_phase": phases.rss_peaks,
        },
        "phase_errors": phases.errors,
    }
    result["targets"] = perf_report.targets(result)
    result["passed"] = all(t["pass"] for t in result["targets"]) and not phases.errors
    return result
