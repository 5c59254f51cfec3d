"""One relevance run, end to end, against a freshly imported catalogue."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from opensearchpy import AsyncOpenSearch

from bench.common.catalogue import import_catalogue
from bench.common.census_files import locate_census_files
from bench.common.cli import run_levelith, service_env
from bench.common.engines import BenchEngines, bench_engines
from bench.common.machine import engine_facts, git_facts, machine_facts, postgres_facts
from bench.common.paths import census_dir
from bench.common.results import utc_now
from bench.common.search_ready import alias, wait_for_naics
from bench.common.service import Service
from bench.relevance.beacon import BeaconStyle
from bench.relevance.everyday import EverydayQuery, read_everyday
from bench.relevance.index_file import read_index_sheet, write_index_sheet
from bench.relevance.queries import QUERY_SETS, with_typo
from bench.relevance.rankers import (
    AUTOCOMPLETE_PATH,
    BM25_FIELDS,
    BM25_INDEX,
    CLASSIFY_PATH,
    DEPTH,
    ILIKE_SQL,
    SEARCH_PATH,
    BeaconRanker,
    Bm25Ranker,
    ClassifyRanker,
    IlikeRanker,
    Ranker,
    autocomplete_ranker,
    bm25_index,
    keystrokes_needed,
    rank_all,
    service_ranker,
)
from bench.relevance.report import (
    SetOutcome,
    keystroke_summary,
    misses_by_sector,
    system_results,
    targets,
    worst_queries,
)
from bench.relevance.split import DEV_SALT, HOLD_OUT_BUCKETS, IndexItem, split_items, text_hash

log = logging.getLogger(__name__)


@dataclass
class Evaluation:
    outcomes: dict[str, SetOutcome] = field(default_factory=dict)
    errors: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)
    service_engines: Counter[str] = field(default_factory=Counter)
    autocomplete_engines: Counter[str] = field(default_factory=Counter)
    titles: dict[str, str] = field(default_factory=dict)
    indexed_documents: int = 0
    postgres_version: str = ""
    # Everyday queries: characters typed before the code is in autocomplete's top 5.
    keystrokes: list[int | None] = field(default_factory=list)
    classify: dict[str, Any] = field(default_factory=dict)
    classifier_ready_seconds: float | None = None


# (query set name, the texts asked, the items whose codes are right)
QuerySet = tuple[str, list[str], list[Any]]


async def wait_for_classifier(http: httpx.AsyncClient, within: float = 300) -> float:
    """Until the service's classifier is trained (it trains in the background at start-up)."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        # Classify waits for the process's first training: allow it the whole budget.
        response = await http.post(CLASSIFY_PATH, json={"text": "software publishers"}, timeout=within)
        if response.status_code == 200 and response.json()["suggestions"]:
            return round(time.monotonic() - started, 2)
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the service's classifier was not trained after {within:.0f} s")


async def _ask(
    result: Evaluation, rankers: list[Ranker], query_sets: list[QuerySet], concurrency: int
) -> None:
    for set_name, queries, _ in query_sets:
        # Different items can yield the same derived query ("Canola far"): ask once.
        unique = list(dict.fromkeys(queries))
        answers: dict[str, list[list[str]]] = {}
        result.errors[set_name] = {}
        result.seconds[set_name] = {}
        for ranker in rankers:
            ranker.errors.clear()
            started = time.perf_counter()
            got = dict(zip(unique, await rank_all(ranker, unique, concurrency), strict=True))
            result.seconds[set_name][ranker.name] = round(time.perf_counter() - started, 3)
            answers[ranker.name] = [got[q] for q in queries]
            result.errors[set_name][ranker.name] = dict(ranker.errors)
            log.info(
                "%s / %s: %d queries in %.1f s",
                set_name,
                ranker.name,
                len(unique),
                result.seconds[set_name][ranker.name],
            )
        result.outcomes[set_name] = SetOutcome(queries, answers)


async def _keystrokes(ranker: Ranker, everyday: list[EverydayQuery], concurrency: int) -> list[int | None]:
    gate = asyncio.Semaphore(concurrency)

    async def one(query: EverydayQuery) -> int | None:
        async with gate:
            return await keystrokes_needed(ranker, query.text, query.code)

    return list(await asyncio.gather(*(one(q) for q in everyday)))


def everyday_sets(everyday: list[EverydayQuery]) -> list[QuerySet]:
    return [
        ("everyday", [q.text for q in everyday], everyday),
        ("everyday_typo", [with_typo(q.text) for q in everyday], everyday),
    ]


async def evaluate_fresh(
    service_url: str, engines: BenchEngines, everyday: list[EverydayQuery]
) -> Evaluation:
    """The everyday set on the catalogue a fresh install seeds, before any import."""
    result = Evaluation()
    pool = await asyncpg.create_pool(engines.database_url, min_size=1, max_size=2)
    search = AsyncOpenSearch(hosts=[engines.opensearch_url], timeout=60)
    try:
        result.indexed_documents = await wait_for_naics(search, pool)
        async with httpx.AsyncClient(base_url=service_url, timeout=30) as http:
            result.classifier_ready_seconds = await wait_for_classifier(http)
            service, autocomplete = service_ranker(http), autocomplete_ranker(http)
            await _ask(result, [service, autocomplete], everyday_sets(everyday), 8)
            result.keystrokes = await _keystrokes(autocomplete, everyday, 8)
    finally:
        await search.close()
        await pool.close()
    return result


async def evaluate(
    service_url: str,
    engines: BenchEngines,
    items: list[IndexItem],
    indexed: list[IndexItem],
    everyday: list[EverydayQuery],
    concurrency: int,
) -> Evaluation:
    result = Evaluation()
    alias_name = alias("naics")
    pool = await asyncpg.create_pool(engines.database_url, min_size=1, max_size=concurrency)
    search = AsyncOpenSearch(hosts=[engines.opensearch_url], timeout=60)
    try:
        result.postgres_version = await pool.fetchval("SELECT version()")
        result.indexed_documents = await wait_for_naics(search, pool)
        six_digit = await pool.fetch("SELECT code, title FROM naics_codes WHERE level = 6 AND is_active")
        result.titles = {
            row["code"]: row["title"] for row in await pool.fetch("SELECT code, title FROM naics_codes")
        }
        started = time.perf_counter()
        beacon = BeaconStyle(
            [*((i.code, i.text) for i in indexed), *((r["code"], r["title"]) for r in six_digit)]
        )
        result.seconds["beacon_style_training"] = {"seconds": round(time.perf_counter() - started, 2)}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=service_url, timeout=30, limits=limits) as http:
            result.classifier_ready_seconds = await wait_for_classifier(http)
            service, autocomplete = service_ranker(http), autocomplete_ranker(http)
            rankers: list[Ranker] = [
                service,
                autocomplete,
                BeaconRanker(beacon),
                Bm25Ranker(search, await bm25_index(search, alias_name)),
                IlikeRanker(pool),
            ]
            sets: list[QuerySet] = [
                (name, [derive(item.text) for item in items], items) for name, derive in QUERY_SETS.items()
            ]
            await _ask(result, rankers, [*sets, *everyday_sets(everyday)], concurrency)
            result.keystrokes = await _keystrokes(autocomplete, everyday, concurrency)
            classify = ClassifyRanker(http)
            started = time.perf_counter()
            suggested = await rank_all(classify, [item.text for item in items], concurrency)
            hits = [item.code in codes for item, codes in zip(items, suggested, strict=True)]
            top1 = [
                bool(codes) and codes[0] == item.code for item, codes in zip(items, suggested, strict=True)
            ]
            result.classify = {
                "queries": len(items),
                "top1": round(sum(top1) / len(items), 4) if items else None,
                "top5": round(sum(hits) / len(items), 4) if items else None,
                "errors": dict(classify.errors),
                "seconds": round(time.perf_counter() - started, 3),
            }
            result.service_engines = service.engines
            result.autocomplete_engines = autocomplete.engines
    finally:
        await search.close()
        await pool.close()
    return result


def run(
    *, max_queries: int | None, concurrency: int, dev: bool = False
) -> tuple[dict[str, Any], Evaluation, list[IndexItem]]:
    started = time.perf_counter()
    files = locate_census_files(census_dir())
    sheet = read_index_sheet(files.index)
    # dev: the development split (split.is_dev), for tuning; the held-out items stay unseen.
    split = split_items(sheet.items, dev=dev)
    items = split.held_out
    if max_queries is not None:
        # A fixed sample: the same items on every run with the same limit.
        items = sorted(items, key=lambda item: text_hash(item.text))[:max_queries]
    everyday = read_everyday()
    with bench_engines() as engines:
        filtered = write_index_sheet(
            engines.workdir / "index-items-indexed.xlsx", sheet.header_rows, split.indexed
        )
        env = service_env(engines)
        # A fresh install first: migrate and serve, the catalogue as `levelith serve` seeds it.
        run_levelith(["db", "upgrade"], env)
        with Service(env, engines.workdir / "serve-fresh.log") as service:
            fresh = asyncio.run(evaluate_fresh(service.base_url, engines, everyday))
        steps = import_catalogue(env, files.codes, files.descriptions, filtered)
        with Service(env, engines.workdir / "serve.log") as service:
            evaluation = asyncio.run(
                evaluate(service.base_url, engines, items, split.indexed, everyday, concurrency)
            )
        engine = engine_facts(engines.opensearch_url, engines.search_source)
        database = postgres_facts(evaluation.postgres_version, engines.database_source)

    expected: dict[str, list[Any]] = {name: items for name in QUERY_SETS}
    expected |= {name: everyday for name, _, _ in everyday_sets(everyday)}
    results = {
        name: system_results(expected[name], outcome, evaluation.errors[name])
        for name, outcome in evaluation.outcomes.items()
    }
    fresh_results = {
        name: system_results(everyday, outcome, fresh.errors[name])
        for name, outcome in fresh.outcomes.items()
    }
    texts = [q.text for q in everyday]
    keystrokes = {
        "fresh_install": keystroke_summary(everyday, fresh.keystrokes, texts),
        "after_import": keystroke_summary(everyday, evaluation.keystrokes, texts),
    }
    held_out = evaluation.outcomes["held_out"]
    report: dict[str, Any] = {
        "benchmark": "relevance",
        "schema_version": 1,
        "generated_at": utc_now(),
        "duration_seconds": round(time.perf_counter() - started, 1),
        "machine": machine_facts(),
        "search_engine": engine,
        "postgres": database,
        "code": git_facts(),
        "data": {
            "index_file": files.index.name,
            "index_items_6digit": len(sheet.items),
            "rows_without_6digit_code": sheet.other_rows,
            "indexed_items": len(split.indexed),
            "held_out_items": len(split.held_out),
            "evaluated_items": len(items),
            "split": "dev" if dev else "held_out",
            "split_rule": (
                f"held out when int(sha1(normalised text)[:8], 16) % {HOLD_OUT_BUCKETS} == 0"
                + (
                    f"; dev (asked, not imported, held-out items left out): not held out and "
                    f"int(sha1({DEV_SALT!r} + normalised text)[:8], 16) % {HOLD_OUT_BUCKETS} == 0"
                    if dev
                    else ""
                )
            ),
            "distinct_queries": {name: len(set(o.queries)) for name, o in evaluation.outcomes.items()},
            "everyday_queries": len(everyday),
            "fresh_install_search_documents": fresh.indexed_documents,
            "classifier_ready_seconds": {
                "fresh_install": fresh.classifier_ready_seconds,
                "after_import": evaluation.classifier_ready_seconds,
            },
            "typo_unchanged": sum(
                1
                for q, item in zip(evaluation.outcomes["typo"].queries, items, strict=True)
                if q == item.text
            ),
            "search_documents": evaluation.indexed_documents,
            **steps,
        },
        "systems": {
            "service": f"GET {SEARCH_PATH}?q=<query>&level=6&limit={DEPTH}",
            "autocomplete": f"GET {AUTOCOMPLETE_PATH}?q=<query>&limit={DEPTH} (any level)",
            "bm25": {"multi_match_fields": BM25_FIELDS, "filter": {"level": 6}, "index": BM25_INDEX},
            "ilike": ILIKE_SQL,
            "beacon_style": "bench/relevance/beacon.py, trained on the indexed items and the 6-digit titles",
            "classify": f"POST {CLASSIFY_PATH} {{text}} (5 suggestions)",
        },
        "query_sets": {
            "held_out": "the held-out index item's text as is",
            "as_typed": "first word + first three letters of the second word",
            "typo": "one letter deleted or two swapped in the longest word (chosen by hash)",
            "everyday": "bench/relevance/everyday.tsv: industry names as people type them",
            "everyday_typo": "the everyday queries with one typo, as the typo set",
        },
        "service_engines": dict(evaluation.service_engines),
        "autocomplete_engines": dict(evaluation.autocomplete_engines),
        "results": results,
        "fresh_install": fresh_results,
        "classify": evaluation.classify,
        "keystrokes": keystrokes,
        "targets": targets(results, fresh_results, evaluation.classify, keystrokes),
        "misses_by_sector": misses_by_sector(items, held_out.answers["service"]),
        "worst_queries": worst_queries(items, held_out, evaluation.titles),
        "seconds": evaluation.seconds,
        "fresh_install_seconds": fresh.seconds,
    }
    report["passed"] = all(t["pass"] for t in report["targets"])
    return report, evaluation, items
