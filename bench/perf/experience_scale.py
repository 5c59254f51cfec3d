"""Experience search at platform scale (issue 13): the embedded default under wrk at 10,000 and
100,000 synthetic experiences.

    python -m bench.perf.experience_scale [--sizes 10000 100000] [--repeats 3] [--seconds 15]
        [--label current] [--baseline] [--output bench/results/perf.json]

Per size: top the experiences table up with SyntheticExperiences, `levelith reindex
experiences`, VACUUM ANALYZE (as autovacuum would after a bulk load), then
- the engine's cost per query shape and body variant (median of sequential requests, the
  service idle): what each change of the engine query buys, measured side by side;
- EXPLAIN ANALYZE of the PostgreSQL statement per shape (time, indexes used);
- wrk at 8 connections over a realistic mix (MIX below), `repeats` runs after a warm-up,
  with the share each back end answered (from /api/v1/admin/search/hedging, diffed around
  each run) and the machine's load average beside each run;
- sync lag (experiences created through the API at a steady rate until searchable).

A baseline (the code before issue 13) runs this module from a copy of that code with this
bench/ directory over it and --baseline (no per-variant costs, no EXPLAIN, no hedging
endpoint to read shares from); see bench/README.md. Results merge into perf.json under
"experience_scale"/label, beside the figures already there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx
from opensearchpy import OpenSearch
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.search.experience_query import build_experience_search
from app.search.text import prepare_query
from bench.common.catalogue import import_catalogue
from bench.common.census_files import CensusFilesMissing, locate_census_files
from bench.common.cli import quiet_client_logs, run_levelith, service_env
from bench.common.engines import bench_engines
from bench.common.machine import git_facts, machine_facts
from bench.common.paths import RESULTS_DIR, census_dir
from bench.common.results import target, utc_now, write_json
from bench.common.search_ready import alias
from bench.common.service import Service
from bench.common.wrk import run_wrk
from bench.perf.experience_words import EXPERIENCE_TYPES, search_queries
from bench.perf.reindex import SyntheticExperiences
from bench.perf.run import count_experiences, wait_for_documents
from bench.perf.sync_lag import LOGIN_PATH, REGISTER_PATH, measure, register_users
from bench.perf.traffic import EXPERIENCE_SEARCH_PATH, stable_order

log = logging.getLogger(__name__)

CONNECTIONS = 8
PAGE = 10
HEDGING_PATH = "/api/v1/admin/search/hedging"
# Sectors with many synthetic experiences (level-6 codes are spread over every sector).
SECTORS = ("54", "62", "31-33", "44-45", "52", "72")
# Shapes timed directly on the engine and EXPLAINed on PostgreSQL.
SHAPES: dict[str, tuple[str, dict[str, list[str]]]] = {
    "blank+sector": ("", {"sector": ["54"]}),
    "blank+category+sector": ("", {"category": ["workplace"], "sector": ["62"]}),
    "text": ("software", {}),
    "text+type": ("nurse", {"experience_type": ["full_time"]}),
}
ENGINE_SAMPLES = 5


def _path(q: str, filters: dict[str, str], *, offset: int, facets: bool) -> str:
    params: dict[str, Any] = {"limit": PAGE, "offset": offset, "facets": str(facets).lower()}
    if q:
        params["q"] = q
    params.update(filters)
    return f"{EXPERIENCE_SEARCH_PATH}?{urlencode(params)}"


def mix_paths(queries: Sequence[str], count: int = 800) -> list[str]:
    """The realistic mix, in a fixed order: per 8 requests, 2 browse a first page (one or two
    filters), 3 search text (one with a filter) on a first page, and 3 are next pages, which
    ask no facets. First pages ask facets, as the page does when its chips are shown."""
    words = stable_order(list(queries), salt="experience-mix")
    types = [t for t, _ in EXPERIENCE_TYPES]
    categories = sorted({c for _, c in EXPERIENCE_TYPES})
    paths = []
    for n in range(count):
        word = words[n % len(words)]
        sector = SECTORS[n % len(SECTORS)]
        kind = types[n % len(types)]
        category = categories[n % len(categories)]
        shape = n % 8
        if shape == 0:
            paths.append(_path("", {"sector": sector}, offset=0, facets=True))
        elif shape == 1:
            paths.append(_path("", {"category": category, "sector": sector}, offset=0, facets=True))
        elif shape in (2, 3):
            paths.append(_path(word, {}, offset=0, facets=True))
        elif shape == 4:
            paths.append(_path(word, {"experience_type": kind}, offset=0, facets=True))
        elif shape == 5:
            paths.append(_path("", {"experience_type": kind}, offset=PAGE, facets=False))
        elif shape == 6:
            paths.append(_path(word, {}, offset=PAGE, facets=False))
        else:
            paths.append(_path(word, {"sector": sector}, offset=PAGE, facets=False))
    return paths


# --- engine cost per body variant ------------------------------------------------------------


def engine_variants(q: str, filters: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The bodies each change of issue 13 moved between, for one query shape."""
    from app.search.experience_query import build_experience_facets

    current = build_experience_search(q, filters, limit=PAGE, with_facets=True)
    before = json.loads(json.dumps(current))
    before["track_total_hits"] = True  # before: exact totals
    before["aggs"]["naics_code"]["aggs"]["values"]["terms"]["size"] = 50  # before: 50 naics buckets
    if not prepare_query(q).words:
        # Before: a scored match_all, sorted by _score first.
        before["query"] = {"bool": {"must": [{"match_all": {}}], "filter": []}}
        before["sort"] = [{"_score": {"order": "desc"}}, *current["sort"]]
    return {
        "before_issue_13": before,
        "facets_capped_total": current,
        "no_facets_capped_total": build_experience_search(q, filters, limit=PAGE, with_facets=False),
        "facet_counts_only": build_experience_facets(filters),
    }


def engine_costs(client: OpenSearch) -> dict[str, dict[str, Any]]:
    from app.services.facet_cache import GENERATION_METRICS

    out: dict[str, dict[str, Any]] = {}
    index = alias("experiences")
    for shape, (q, filters) in SHAPES.items():
        out[shape] = {}
        for variant, body in engine_variants(q, filters).items():
            timings = []
            for _ in range(ENGINE_SAMPLES):
                started = time.perf_counter()
                client.search(index=index, body=body, request_timeout=120)
                timings.append(time.perf_counter() - started)
            out[shape][variant] = {"median_ms": round(statistics.median(timings) * 1000, 1)}
        timings = []
        for _ in range(ENGINE_SAMPLES):
            started = time.perf_counter()
            client.indices.stats(index=index, metric=GENERATION_METRICS)
            timings.append(time.perf_counter() - started)
        out[shape]["index_generation_stats"] = {"median_ms": round(statistics.median(timings) * 1000, 1)}
        log.info("engine cost %s: %s", shape, {k: v["median_ms"] for k, v in out[shape].items()})
    return out


# --- PostgreSQL plans ------------------------------------------------------------------------


def _indexes_used(plan: dict[str, Any]) -> set[str]:
    found = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= _indexes_used(child)
    return found


async def postgres_plans(database_url: str) -> dict[str, dict[str, Any]]:
    from app.repositories.experience_search_pg import ExperienceFilterValues, experience_search_statement

    engine = create_async_engine(database_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    out: dict[str, dict[str, Any]] = {}
    try:
        async with AsyncSession(engine) as session:
            for shape, (q, filters) in SHAPES.items():
                values = ExperienceFilterValues(
                    filters.get("category", ()),
                    filters.get("experience_type", ()),
                    ["31", "32", "33"] if filters.get("sector") == ["31-33"] else filters.get("sector", ()),
                    filters.get("naics_code", ()),
                )
                for with_facets in (True, False):
                    statement, params = experience_search_statement(
                        prepare_query(q), values, limit=PAGE, offset=0, with_facets=with_facets
                    )
                    explain = text("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.text).bindparams(
                        *statement._bindparams.values()
                    )
                    times = []
                    plan: dict[str, Any] = {}
                    for _ in range(3):
                        raw = (await session.execute(explain, params)).scalar_one()
                        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                        times.append(plan["Execution Time"])
                    out[f"{shape}{'+facets' if with_facets else ''}"] = {
                        "execution_ms_median": round(statistics.median(times), 1),
                        "indexes_used": sorted(_indexes_used(plan["Plan"])),
                    }
            log.info("postgres plans: %s", out)
    finally:
        await engine.dispose()
    return out


# --- load ------------------------------------------------------------------------------------


async def admin_token(base_url: str, env: dict[str, str]) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        username = f"benchadmin{secrets.token_hex(4)}"
        password = f"Bench-{secrets.token_urlsafe(12)}"
        account = {"username": username, "email": f"{username}@example.com", "password": password}
        (await client.post(REGISTER_PATH, json=account)).raise_for_status()
        run_levelith(["users", "grant-admin", username], env)
        login = await client.post(LOGIN_PATH, json={"username": username, "password": password})
        login.raise_for_status()
        return str(login.json()["access_token"])


def answered(base_url: str, token: str) -> dict[str, dict[str, int]] | None:
    """Answers by back end per kind so far; None when the service has no such endpoint."""
    response = httpx.get(base_url + HEDGING_PATH, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    if response.status_code != 200:
        return None
    return {k["kind"]: k["answered"] for k in response.json()}


def hedging_state(base_url: str, token: str) -> list[dict[str, Any]] | None:
    response = httpx.get(base_url + HEDGING_PATH, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return response.json() if response.status_code == 200 else None


def shares(before: dict[str, dict[str, int]] | None, after: dict[str, dict[str, int]] | None) -> Any:
    if before is None or after is None:
        return None
    by_engine: dict[str, int] = {}
    by_kind: dict[str, dict[str, int]] = {}
    for kind, counts in after.items():
        for engine, count in counts.items():
            delta = count - before.get(kind, {}).get(engine, 0)
            if delta:
                by_engine[engine] = by_engine.get(engine, 0) + delta
                by_kind.setdefault(kind, {})[engine] = delta
    total = sum(by_engine.values()) or 1
    return {
        "share": {engine: round(count / total, 4) for engine, count in sorted(by_engine.items())},
        "answers": by_kind,
    }


def load_runs(
    base_url: str, paths: list[str], token: str | None, repeats: int, seconds: float
) -> list[dict[str, Any]]:
    run_wrk(base_url, paths, connections=CONNECTIONS, seconds=min(seconds, 5))  # warm-up; hedge learns
    runs = []
    for repeat in range(repeats):
        before = answered(base_url, token) if token else None
        load_before = os.getloadavg()
        result = run_wrk(base_url, paths, connections=CONNECTIONS, seconds=seconds)
        load_after = os.getloadavg()
        after = answered(base_url, token) if token else None
        run = {
            **result.as_dict(),
            "loadavg_1m_before": round(load_before[0], 2),
            "loadavg_1m_after": round(load_after[0], 2),
            "back_ends": shares(before, after),
        }
        runs.append(run)
        log.info(
            "wrk run %d: %.1f req/s p50 %.0f p95 %.0f p99 %.0f max %.0f ms, errors %d, load %.2f, %s",
            repeat + 1, result.rps, result.p50_ms, result.p95_ms, result.p99_ms, result.max_ms,
            result.errors, load_after[0], (run["back_ends"] or {}).get("share"),
        )  # fmt: skip
    return runs


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 1) if values else None


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {k: median_of(runs, k) for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")}
    out["worst_max_ms"] = max((r["max_ms"] for r in runs), default=None)
    out["errors"] = sum(sum(r["non_2xx"].values()) + sum(r["socket_errors"].values()) for r in runs)
    out["loadavg_1m_median"] = median_of(runs, "loadavg_1m_after")
    engine_shares = [r["back_ends"]["share"] for r in runs if r.get("back_ends")]
    if engine_shares:
        engines = sorted({e for s in engine_shares for e in s})
        out["back_end_share_median"] = {
            e: round(statistics.median(s.get(e, 0.0) for s in engine_shares), 3) for e in engines
        }
    return out


async def sync_lag(base_url: str, opensearch_url: str, count: int, rate: float) -> dict[str, Any]:
    from opensearchpy import AsyncOpenSearch

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=4)
    search = AsyncOpenSearch(hosts=[opensearch_url], timeout=30)
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
            tokens = await register_users(client, 4)
            run = await measure(client, search, alias("experiences"), tokens, count=count, rate=rate)
    finally:
        await search.close()
    return run.as_dict()


async def vacuum_analyze(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("VACUUM ANALYZE experiences")
        await connection.execute("VACUUM ANALYZE users")
    finally:
        await connection.close()


def measure_size(
    size: int,
    synthetic: SyntheticExperiences,
    env: dict[str, str],
    engines: Any,
    base_url: str,
    token: str | None,
    args: argparse.Namespace,
) -> dict[str, Any]:
    inserted = asyncio.run(synthetic.top_up(size))
    documents = asyncio.run(count_experiences(engines.database_url))
    log.info("%d experiences (%d synthetic rows added): reindexing", documents, inserted)
    reindex = run_levelith(["reindex", "experiences"], env)
    client = OpenSearch(hosts=[engines.opensearch_url], timeout=600)
    try:
        wait_for_documents(client, alias("experiences"), documents)
        asyncio.run(vacuum_analyze(engines.database_url))
        cell: dict[str, Any] = {"documents": documents, "reindex_seconds": round(reindex.seconds, 1)}
        cell["engine_cost_ms"] = None if args.skip_costs else engine_costs(client)
    finally:
        client.close()
    cell["postgres_plans"] = None if args.skip_costs else asyncio.run(postgres_plans(engines.database_url))
    paths = mix_paths(search_queries())
    runs = load_runs(base_url, paths, token, args.repeats, args.seconds)
    cell["load"] = {"summary": summary(runs), "runs": runs}
    cell["hedging_after_load"] = hedging_state(base_url, token) if token else None
    lag = sync_lag(base_url, engines.opensearch_url, args.sync_count, args.sync_rate)
    cell["sync_lag"] = asyncio.run(lag)
    log.info("size %d: %s; sync lag %s", size, cell["load"]["summary"], cell["sync_lag"]["lag"])
    return cell


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000


def targets(cells: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    if "10000" in cells:
        p95 = cells["10000"]["load"]["summary"]["p95_ms"]
        out.append(target("10k experiences: p95 ms, 8 connections", p95, "<", 100.0001))
    if "100000" in cells:
        load = cells["100000"]["load"]["summary"]
        out.append(target("100k experiences: p95 ms, 8 connections", load["p95_ms"], "<", 300.0001))
        out.append(target("100k experiences: slowest response ms, all runs", load["worst_max_ms"], "<", 1000))
    for size, cell in cells.items():
        lag_p99 = _seconds(cell["sync_lag"]["lag"]["p99_ms"])
        out.append(target(f"{size} experiences: sync lag p99 s", lag_p99, "<", 1))
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    files = locate_census_files(census_dir())
    started = time.perf_counter()
    cells: dict[str, Any] = {}
    with bench_engines() as engines:
        env = service_env(engines)
        import_catalogue(env, files.codes, files.descriptions, files.index)
        with Service(env, engines.workdir / "serve.log") as service:
            token = None if args.baseline else asyncio.run(admin_token(service.base_url, env))
            synthetic = SyntheticExperiences(engines.database_url)
            for size in args.sizes:
                cells[str(size)] = measure_size(size, synthetic, env, engines, service.base_url, token, args)
    return {
        "generated_at": utc_now(),
        "duration_seconds": round(time.perf_counter() - started, 1),
        "machine": machine_facts(),
        "code": {"baseline": "code before issue 13"} if args.baseline else git_facts(),
        "settings": {
            "connections": CONNECTIONS,
            "seconds_per_run": args.seconds,
            "repeats": args.repeats,
            "load_generator": "wrk (bench/common/wrk.py), 1 thread, same machine",
            "mix": "per 8 requests: blank+1 filter, blank+2 filters, 2 text, text+filter (first pages, "
            "facets=true); 3 next pages (facets=false): blank+filter, text, text+filter",
            "engine_cost_samples": ENGINE_SAMPLES,
            "sync_lag": {"experiences": args.sync_count, "rate_per_s": args.sync_rate},
        },
        "sizes": cells,
        "targets": targets(cells),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf.experience_scale", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sync-count", type=int, default=200)
    parser.add_argument("--sync-rate", type=float, default=20)
    parser.add_argument("--label", default="current", help="key of this run under experience_scale")
    parser.add_argument("--skip-costs", action="store_true", help="no per-variant engine timings, no EXPLAIN")
    parser.add_argument(
        "--baseline", action="store_true", help="the service is older code: implies --skip-costs, no shares"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "perf.json")
    args = parser.parse_args(argv)
    args.skip_costs = args.skip_costs or args.baseline
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    quiet_client_logs()
    try:
        report = run(args)
    except CensusFilesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    existing = json.loads(args.output.read_text()) if args.output.exists() else {}
    existing.setdefault("experience_scale", {})[args.label] = report
    write_json(args.output, existing)
    for t in report["targets"]:
        print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['name']}: {t['value']} (target {t['target']})")
    print(f"wrote {args.output} (experience_scale/{args.label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
