"""Turn ranks into the JSON result, the printed table, the misses list and the chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.common.results import target
from bench.common.stats import ratio
from bench.relevance.metrics import CUTOFFS, rank_of, summarise
from bench.relevance.split import IndexItem, text_hash

SYSTEMS = ("service", "autocomplete", "bm25", "ilike")
SYSTEM_LABELS = {
    "service": "service",
    "autocomplete": "autocomplete",
    "bm25": "plain BM25",
    "ilike": "seed ILIKE",
}
METRICS = (*(f"recall@{k}" for k in CUTOFFS), "mrr")

TARGET_RECALL_1 = 0.50
TARGET_RECALL_10 = 0.85
TARGET_VS_BM25 = 1.5


@dataclass(frozen=True)
class SetOutcome:
    """One query set: the queries and, per system, the top codes for each."""

    queries: list[str]
    answers: Mapping[str, Sequence[Sequence[str]]]


def system_results(
    items: Sequence[IndexItem], outcome: SetOutcome, errors: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for system, answers in outcome.answers.items():
        ranks = [rank_of(item.code, codes) for item, codes in zip(items, answers, strict=True)]
        summary: dict[str, Any] = summarise(ranks)
        summary["empty"] = sum(1 for codes in answers if not codes)
        summary["errors"] = dict(errors.get(system, {}))
        results[system] = summary
    return results


def targets(held_out: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    service = held_out.get("service", {})
    bm25 = held_out.get("bm25", {})
    return [
        target("service recall@1 (held-out)", service.get("recall@1"), ">=", TARGET_RECALL_1),
        target("service recall@10 (held-out)", service.get("recall@10"), ">=", TARGET_RECALL_10),
        target(
            "service recall@1 / plain BM25 recall@1 (held-out)",
            ratio(service.get("recall@1"), bm25.get("recall@1")),
            ">=",
            TARGET_VS_BM25,
        ),
    ]


def worst_queries(
    items: Sequence[IndexItem],
    outcome: SetOutcome,
    titles: Mapping[str, str],
    limit: int = 20,
) -> list[dict[str, Any]]:
    """The service's worst misses: not found (or found lowest), where plain BM25 did best first."""
    service = outcome.answers["service"]
    bm25 = outcome.answers.get("bm25", [[] for _ in items])
    rows = []
    for item, query, got, baseline in zip(items, outcome.queries, service, bm25, strict=True):
        rank = rank_of(item.code, got)
        if rank == 1:
            continue
        bm25_rank = rank_of(item.code, baseline)
        rows.append(((-(rank or 99), bm25_rank or 99, text_hash(query)), item, query, rank, bm25_rank, got))
    rows.sort(key=lambda row: row[0])
    return [
        {
            "query": query,
            "expected": item.code,
            "expected_title": titles.get(item.code),
            "service_rank": rank,
            "bm25_rank": bm25_rank,
            "service_top3": [{"code": code, "title": titles.get(code)} for code in got[:3]],
        }
        for _, item, query, rank, bm25_rank, got in rows[:limit]
    ]


def misses_by_sector(
    items: Sequence[IndexItem], answers: Sequence[Sequence[str]], limit: int = 10
) -> list[dict[str, Any]]:
    """Where recall@10 is lost, by the expected code's sector (first two digits)."""
    asked: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for item, codes in zip(items, answers, strict=True):
        sector = item.code[:2]
        asked[sector] += 1
        if rank_of(item.code, codes) is None:
            missed[sector] += 1
    return [
        {
            "sector": sector,
            "missed": count,
            "queries": asked[sector],
            "miss_rate": round(count / asked[sector], 4),
        }
        for sector, count in missed.most_common(limit)
    ]


def table(results: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
    width = max(len(label) for label in SYSTEM_LABELS.values())
    lines = [
        f"{'query set':<10} {'system':<{width}} " + " ".join(f"{m:>9}" for m in METRICS) + f" {'empty':>6}"
    ]
    for query_set, systems in results.items():
        for system in SYSTEMS:
            if system not in systems:
                continue
            row = systems[system]
            cells = " ".join(f"{row[m]:>9.3f}" for m in METRICS)
            lines.append(f"{query_set:<10} {SYSTEM_LABELS[system]:<{width}} {cells} {row['empty']:>6}")
    return "\n".join(lines)


def misses_text(worst: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for miss in worst:
        top = ", ".join(f"{hit['code']} {hit['title'] or ''}".strip() for hit in miss["service_top3"]) or "-"
        rank = miss["service_rank"] or "-"
        lines.append(
            f"  [{rank:>2}] {miss['query']!r} -> want {miss['expected']} {miss['expected_title'] or ''}"
            f" (BM25 rank {miss['bm25_rank'] or '-'}); got {top}"
        )
    return "\n".join(lines)


def chart(results: Mapping[str, Mapping[str, Mapping[str, Any]]], title: str) -> Any:
    from bench.common.charts import pyplot

    sets = list(results)
    figure, axes = pyplot.subplots(1, len(sets), figsize=(5 * len(sets), 4.2), sharey=True, squeeze=False)
    width = 0.8 / len(SYSTEMS)
    for ax, query_set in zip(axes[0], sets, strict=True):
        for i, system in enumerate(SYSTEMS):
            row = results[query_set].get(system)
            if row is None:
                continue
            xs = [m + (i - (len(SYSTEMS) - 1) / 2) * width for m in range(len(METRICS))]
            bars = ax.bar(xs, [row[m] for m in METRICS], width, label=SYSTEM_LABELS[system])
            ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
        if query_set == "held_out":
            for metric, value in (("recall@1", TARGET_RECALL_1), ("recall@10", TARGET_RECALL_10)):
                x = METRICS.index(metric)
                ax.hlines(value, x - 0.45, x + 0.45, colors="black", linestyles="dashed", linewidth=1)
        ax.set_xticks(range(len(METRICS)), METRICS)
        ax.set_ylim(0, 1.05)
        ax.set_title(query_set.replace("_", " "))
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("share of queries (dashed: target)")
    axes[0][0].legend(loc="upper left", fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
