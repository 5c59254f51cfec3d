"""Turn ranks into the JSON result, the printed table, the misses list and the chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bench.common.results import target
from bench.common.stats import ratio
from bench.relevance.metrics import CUTOFFS, rank_of, summarise
from bench.relevance.split import IndexItem, text_hash

SYSTEMS = ("service", "autocomplete", "beacon_style", "bm25", "ilike")
SYSTEM_LABELS = {
    "service": "service",
    "autocomplete": "autocomplete",
    "beacon_style": "BEACON-style",
    "bm25": "plain BM25",
    "ilike": "seed ILIKE",
}
METRICS = (*(f"recall@{k}" for k in CUTOFFS), "mrr")

# Issue 12's targets.
TARGET_RECALL_1 = 0.75
TARGET_RECALL_10 = 0.95
TARGET_VS_BM25 = 1.5
TARGET_VS_BEACON = 1.15
TARGET_TYPO_GAP = 0.05  # one-typo recall@5 at most this far below the clean queries'
TARGET_AS_TYPED_10 = 0.80
TARGET_EVERYDAY_1 = 0.85
TARGET_EVERYDAY_5 = 0.97
TARGET_KEYSTROKES = 0.30
TARGET_CLASSIFY_1 = 0.70
TARGET_CLASSIFY_5 = 0.90


class Expected(Protocol):
    code: str


@dataclass(frozen=True)
class SetOutcome:
    """One query set: the queries and, per system, the top codes for each."""

    queries: list[str]
    answers: Mapping[str, Sequence[Sequence[str]]]


def system_results(
    items: Sequence[Expected], outcome: SetOutcome, errors: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for system, answers in outcome.answers.items():
        ranks = [rank_of(item.code, codes) for item, codes in zip(items, answers, strict=True)]
        summary: dict[str, Any] = summarise(ranks)
        summary["empty"] = sum(1 for codes in answers if not codes)
        summary["errors"] = dict(errors.get(system, {}))
        results[system] = summary
    return results


def _get(results: Mapping[str, Any], *path: str) -> Any:
    node: Any = results
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _gap(clean: float | None, typo: float | None) -> float | None:
    return None if clean is None or typo is None else round(clean - typo, 4)


def targets(
    results: Mapping[str, Any],
    fresh: Mapping[str, Any],
    classify: Mapping[str, Any],
    keystrokes: Mapping[str, Any],
) -> list[dict[str, Any]]:
    held_out = results.get("held_out", {})
    service = held_out.get("service", {})
    bm25 = held_out.get("bm25", {})
    beacon = held_out.get("beacon_style", {})
    out = [
        target("service recall@1 (held-out)", service.get("recall@1"), ">=", TARGET_RECALL_1),
        target("service recall@10 (held-out)", service.get("recall@10"), ">=", TARGET_RECALL_10),
        target(
            "service recall@1 / plain BM25 recall@1 (held-out)",
            ratio(service.get("recall@1"), bm25.get("recall@1")),
            ">=",
            TARGET_VS_BM25,
        ),
        target(
            "service recall@1 / BEACON-style recall@1 (held-out)",
            ratio(service.get("recall@1"), beacon.get("recall@1")),
            ">=",
            TARGET_VS_BEACON,
        ),
        target(
            "held-out recall@5, clean minus one typo (service)",
            _gap(service.get("recall@5"), _get(results, "typo", "service", "recall@5")),
            "<=",
            TARGET_TYPO_GAP,
        ),
        target(
            "as typed recall@10 (service)",
            _get(results, "as_typed", "service", "recall@10"),
            ">=",
            TARGET_AS_TYPED_10,
        ),
    ]
    for phase, sets in (("fresh install", fresh), ("after import", results)):
        out += [
            target(
                f"everyday success@1 (service, {phase})",
                _get(sets, "everyday", "service", "recall@1"),
                ">=",
                TARGET_EVERYDAY_1,
            ),
            target(
                f"everyday success@5 (service, {phase})",
                _get(sets, "everyday", "service", "recall@5"),
                ">=",
                TARGET_EVERYDAY_5,
            ),
            target(
                f"everyday recall@5, clean minus one typo (service, {phase})",
                _gap(
                    _get(sets, "everyday", "service", "recall@5"),
                    _get(sets, "everyday_typo", "service", "recall@5"),
                ),
                "<=",
                TARGET_TYPO_GAP,
            ),
            target(
                f"autocomplete keystroke share, everyday ({phase})",
                _get(
                    keystrokes, "fresh_install" if phase == "fresh install" else "after_import", "mean_share"
                ),
                "<=",
                TARGET_KEYSTROKES,
            ),
        ]
    out += [
        target("classify top-1 (held-out)", classify.get("top1"), ">=", TARGET_CLASSIFY_1),
        target("classify top-5 (held-out)", classify.get("top5"), ">=", TARGET_CLASSIFY_5),
    ]
    return out


def keystroke_summary(
    queries: Sequence[Expected], typed: Sequence[int | None], texts: Sequence[str]
) -> dict[str, Any]:
    """Mean share of each query's characters typed before its code is in the top 5 (1 if never)."""
    shares = [(n if n is not None else len(t)) / len(t) for n, t in zip(typed, texts, strict=True)]
    worst = sorted(zip(shares, texts, (q.code for q in queries), strict=True), key=lambda r: -r[0])[:15]
    return {
        "queries": len(shares),
        "mean_share": round(sum(shares) / len(shares), 4) if shares else None,
        "never_in_top5": sum(1 for n in typed if n is None),
        "worst": [{"query": t, "code": c, "share": round(s, 3)} for s, t, c in worst],
    }


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
