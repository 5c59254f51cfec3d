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
from bench.common.cli import service_env
from bench.common.engines import BenchEngines, bench_engines
from bench.common.machine import engine_facts, git_facts, machine_facts, postgres_facts
from bench.common.paths import census_dir
from bench.common.results import utc_now
from bench.common.search_ready import alias, wait_for_naics
from bench.common.service import Service
from bench.relevance.index_file import read_index_sheet, write_index_sheet
from bench.relevance.queries import QUERY_SETS
from bench.relevance.rankers import (
    AUTOCOMPLETE_PATH,
    BM25_FIELDS,
    DEPTH,
    ILIKE_SQL,
    SEARCH_PATH,
    Bm25Ranker,
    IlikeRanker,
    Ranker,
    autocomplete_ranker,
    rank_all,
    service_ranker,
)
from bench.relevance.report import (
    SetOutcome,
    misses_by_sector,
    system_results,
    targets,
    worst_queries,
)
from bench.relevance.split import HOLD_OUT_BUCKETS, IndexItem, split_items, text_hash

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


async def evaluate(
    service_url: str, engines: BenchEngines, items: list[IndexItem], concurrency: int
) -> Evaluation:
    result = Evaluation()
    alias_name = alias("naics")
    pool = await asyncpg.create_pool(engines.database_url, min_size=1, max_size=concurrency)
    search = AsyncOpenSearch(hosts=[engines.opensearch_url], timeout=60)
    try:
        result.postgres_version = await pool.fetchval("SELECT version()")
        result.indexed_documents = await wait_for_naics(search, pool)
        result.titles = {
            row["code"]: row["title"] for row in await pool.fetch("SELECT code, title FROM naics_codes")
        }
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=service_url, timeout=30, limits=limits) as http:
            service, autocomplete = service_ranker(http), autocomplete_ranker(http)
            rankers: list[Ranker] = [service, autocomplete, Bm25Ranker(search, alias_name), IlikeRanker(pool)]
            for set_name, derive in QUERY_SETS.items():
                queries = [derive(item.text) for item in items]
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
            result.service_engines = service.engines
            result.autocomplete_engines = autocomplete.engines
    finally:
        await search.close()
        await pool.close()
    return result


def run(*, max_queries: int | None, concurrency: int) -> tuple[dict[str, Any], Evaluation, list[IndexItem]]:
    started = time.perf_counter()
    files = locate_census_files(census_dir())
    sheet = read_index_sheet(files.index)
    split = split_items(sheet.items)
    items = split.held_out
    if max_queries is not None:
        # A fixed sample: the same items on every run with the same limit.
        items = sorted(items, key=lambda item: text_hash(item.text))[:max_queries]
    with bench_engines() as engines:
        filtered = write_index_sheet(
            engines.workdir / "index-items-indexed.xlsx", sheet.header_rows, split.indexed
        )
        env = service_env(engines)
        steps = import_catalogue(env, files.codes, files.descriptions, filtered)
        with Service(env, engines.workdir / "serve.log") as service:
            evaluation = asyncio.run(evaluate(service.base_url, engines, items, concurrency))
        engine = engine_facts(engines.opensearch_url, engines.search_source)
        database = postgres_facts(evaluation.postgres_version, engines.database_source)

    results = {
        name: system_results(items, outcome, evaluation.errors[name])
        for name, outcome in evaluation.outcomes.items()
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
            "split_rule": f"held out when int(sha1(normalised text)[:8], 16) % {HOLD_OUT_BUCKETS} == 0",
            "distinct_queries": {name: len(set(o.queries)) for name, o in evaluation.outcomes.items()},
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
            "bm25": {"multi_match_fields": BM25_FIELDS, "filter": {"level": 6}, "alias": alias("naics")},
            "ilike": ILIKE_SQL,
        },
        "query_sets": {
            "held_out": "the held-out index item's text as is",
            "as_typed": "first word + first three letters of the second word",
            "typo": "one letter deleted or two swapped in the longest word (chosen by hash)",
        },
        "service_engines": dict(evaluation.service_engines),
        "autocomplete_engines": dict(evaluation.autocomplete_engines),
        "results": results,
        "targets": targets(results["held_out"]),
        "misses_by_sector": misses_by_sector(items, held_out.answers["service"]),
        "worst_queries": worst_queries(items, held_out, evaluation.titles),
        "seconds": evaluation.seconds,
    }
    report["passed"] = all(t["pass"] for t in report["targets"])
    return report, evaluation, items
