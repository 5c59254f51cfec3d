"""Throughput of the NAICS read paths beside GET /health, measured with wrk.

wrk (C, one thread) costs the server's two cores far less than a Python load generator, which
capped /health first and so flattered every ratio. Each scenario is one wrk run cycling through
a fixed list of distinct request paths at 32 connections: 6,000 distinct as-typed autocomplete
queries (keystroke prefixes of real industry titles), every code's detail read, /health. The
scenarios interleave within each repeat so drift on a shared machine hits them alike; figures
are medians of the repeats, ratios are taken between medians of the same service run.

    python -m bench.perf.throughput [--workers 1 2] [--repeats 3] [--seconds 10]

starts the embedded engines with the official catalogue (../shared/naics), then `levelith serve`
once per worker count, and writes the section "throughput" of bench/results/perf.json (the other
sections stay as they are).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.common.census_files import CensusFilesMissing, locate_census_files
from bench.common.paths import RESULTS_DIR, census_dir
from bench.common.results import target, utc_now, write_json
from bench.common.stats import median, ratio
from bench.common.wrk import WrkResult, run_wrk
from bench.perf.traffic import AUTOCOMPLETE_PATH, DETAIL_PATH, keystroke_prefixes

log = logging.getLogger(__name__)

CONNECTIONS = 32
DISTINCT_QUERIES = 6_000
TARGET_VS_HEALTH = 0.5
TARGET_AUTOCOMPLETE_P99_MS = 20.0
MAX_WARMUP_SECONDS = 60
# Each worker trains its classifier after start-up (seconds of CPU); autocomplete answers cached
# before a training are not reused after it, so a warm-up that ends before the trainings did
# left the first measured repeat cold.
MAX_TRAINING_WAIT_SECONDS = 300


@dataclass(frozen=True)
class ThroughputSettings:
    connections: int = CONNECTIONS
    seconds: float = 10
    warmup_seconds: float = 2
    # Warm up until the request count reaches this many times the distinct paths.
    warmup_cycles: int = 3
    repeats: int = 3


def as_typed_paths(titles: Sequence[str], count: int = DISTINCT_QUERIES, limit: int = 10) -> list[str]:
    """`count` distinct autocomplete requests, title by title, keystroke by keystroke."""
    seen: dict[str, None] = {}
    for title in titles:
        for prefix in keystroke_prefixes(title):
            seen.setdefault(prefix)
            if len(seen) >= count:
                break
        if len(seen) >= count:
            break
    return [f"{AUTOCOMPLETE_PATH}?q={quote(prefix)}&limit={limit}" for prefix in seen]


def detail_path_list(codes: Sequence[str]) -> list[str]:
    return [DETAIL_PATH.format(code=code) for code in codes]


def _summary(runs: Sequence[WrkResult]) -> dict[str, Any]:
    return {
        "median": {
            "rps": median(r.rps for r in runs),
            **{k: median(getattr(r, k) for r in runs) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")},
            "errors": sum(r.errors for r in runs),
        },
        "runs": [r.as_dict() for r in runs],
    }


def wait_for_classifiers(base_url: str, workers: int) -> float:
    """Seconds until every worker's classifier has trained (its Prometheus counter, summed over
    workers); the wait gives up after MAX_TRAINING_WAIT_SECONDS."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    started = time.monotonic()
    while time.monotonic() - started < MAX_TRAINING_WAIT_SECONDS:
        families = text_string_to_metric_families(httpx.get(f"{base_url}/metrics", timeout=10).text)
        trained = sum(
            sample.value
            for family in families
            if family.name == "levelith_classifier_builds"
            for sample in family.samples
            if sample.name.endswith("_total")
        )
        if trained >= workers:
            return time.monotonic() - started
        time.sleep(0.5)
    log.warning("classifiers untrained after %d s: the first repeat may be cold", MAX_TRAINING_WAIT_SECONDS)
    return time.monotonic() - started


def measure(
    base_url: str, scenarios: Mapping[str, Sequence[str]], config: ThroughputSettings
) -> dict[str, Any]:
    """scenario -> medians and runs; scenarios interleaved within each repeat."""
    for paths in scenarios.values():
        # Steady state: every path asked a few times (so each worker's caches have seen it),
        # as a long-running service would have; bounded in time on a slow machine.
        warmed, deadline = 0, time.monotonic() + MAX_WARMUP_SECONDS
        while warmed < config.warmup_cycles * len(paths) and time.monotonic() < deadline:
            warmed += run_wrk(
                base_url, paths, connections=config.connections, seconds=config.warmup_seconds
            ).requests
    runs: dict[str, list[WrkResult]] = {name: [] for name in scenarios}
    for repeat in range(config.repeats):
        for name, paths in scenarios.items():
            result = run_wrk(base_url, paths, connections=config.connections, seconds=config.seconds)
            runs[name].append(result)
            log.info(
                "%s run %d: %.0f req/s, p99 %.1f ms, errors %d",
                name, repeat + 1, result.rps, result.p99_ms, result.errors,
            )  # fmt: skip
    return {name: _summary(found) for name, found in runs.items()}


def ratios(scenarios: Mapping[str, Mapping[str, Any]]) -> dict[str, float | None]:
    health = scenarios.get("health", {}).get("median", {}).get("rps")
    found = {}
    for name, cell in scenarios.items():
        if name != "health":
            value = ratio(cell["median"]["rps"], health)
            found[f"{name}_vs_health"] = None if value is None else round(value, 3)
    return found


def targets(by_workers: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    one = by_workers.get("1", {})
    found = [
        target(
            f"autocomplete/health throughput, wrk, {CONNECTIONS} connections, 1 worker",
            one.get("ratios", {}).get("autocomplete_vs_health"),
            ">=",
            TARGET_VS_HEALTH,
        ),
        target(
            "autocomplete p99 (ms), 1 worker",
            one.get("scenarios", {}).get("autocomplete", {}).get("median", {}).get("p99_ms"),
            "<",
            TARGET_AUTOCOMPLETE_P99_MS,
        ),
        target(
            f"naics detail/health throughput, wrk, {CONNECTIONS} connections, 1 worker",
            one.get("ratios", {}).get("naics_detail_vs_health"),
            ">=",
            TARGET_VS_HEALTH,
        ),
    ]
    return found


def naics_scenarios(titles: Sequence[str], codes: Sequence[str]) -> dict[str, list[str]]:
    return {
        "health": ["/health"],
        "autocomplete": as_typed_paths(titles),
        "naics_detail": detail_path_list(codes),
    }


def run(workers: Sequence[int], config: ThroughputSettings) -> dict[str, Any]:
    from bench.common.catalogue import import_catalogue
    from bench.common.cli import service_env
    from bench.common.engines import bench_engines
    from bench.common.machine import git_facts, machine_facts
    from bench.common.service import Service
    from bench.perf.run import catalogue_inputs

    files = locate_census_files(census_dir())
    by_workers: dict[str, Any] = {}
    with bench_engines() as engines:
        env = service_env(engines)
        import_catalogue(env, files.codes, files.descriptions, files.index)
        scenarios: dict[str, list[str]] = {}
        facts: dict[str, Any] = {}
        for count in workers:
            log_path = engines.workdir / f"serve-{count}.log"
            with Service(env, log_path, serve_args=("--workers", str(count))) as service:
                if not scenarios:  # once the service's indexer has drained the import
                    titles, codes, facts = asyncio.run(catalogue_inputs(engines))
                    scenarios = naics_scenarios(titles, codes)
                waited = wait_for_classifiers(service.base_url, count)
                log.info("%d worker(s): classifiers trained %.0f s after ready", count, waited)
                measured = measure(service.base_url, scenarios, config)
            by_workers[str(count)] = {"scenarios": measured, "ratios": ratios(measured)}
    return {
        "generated_at": utc_now(),
        "machine": machine_facts(),
        "code": git_facts(),
        "load_generator": "wrk, 1 thread, on the same machine (bench/common/wrk.py)",
        "settings": {
            "connections": config.connections,
            "seconds": config.seconds,
            "warmup": (
                f"after every worker's classifier trained, until {config.warmup_cycles} x the "
                f"distinct paths, at most {MAX_WARMUP_SECONDS} s"
            ),
            "repeats": config.repeats,
            "distinct_paths": {name: len(paths) for name, paths in scenarios.items()},
            "naics_codes": facts["naics_codes"],
        },
        "workers": by_workers,
        "targets": targets(by_workers),
    }


def merge_into(path: Path, section: dict[str, Any]) -> None:
    """Replace only the "throughput" section: the other phases' figures stay."""
    report: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"benchmark": "perf"}
    report["throughput"] = section
    write_json(path, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf.throughput", description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "perf.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    config = ThroughputSettings(seconds=args.seconds, repeats=args.repeats)
    try:
        section = run(args.workers, config)
    except CensusFilesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    merge_into(args.output, section)
    for count, cell in section["workers"].items():
        for name, data in cell["scenarios"].items():
            m = data["median"]
            rps, p50, p99 = m["rps"], m["p50_ms"], m["p99_ms"]
            print(f"workers={count} {name:<14} {rps:>9.0f} req/s  p50 {p50:.2f}  p99 {p99:.2f} ms")
        print(f"workers={count} ratios: {cell['ratios']}")
    for t in section["targets"]:
        print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['name']}: {t['value']} (target {t['target']})")
    print(f"wrote the throughput section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
