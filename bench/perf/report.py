"""Medians over repeated runs, the headline ratios, targets, and the chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bench.common.results import target
from bench.common.stats import median, ratio

TARGET_AUTOCOMPLETE_VS_HEALTH = 0.5
TARGET_SYNC_P99_S = 1.0
TARGET_REINDEX_VS_RAW = 0.8
HEADLINE_CONCURRENCY = 32
# GET /health measured beside experience search, in that phase's own runs.
EXPERIENCE_BASELINE = "health_beside_experience_search"


def aggregate_load(runs: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """scenario -> concurrency (as a string, for JSON) -> runs and their medians."""
    grouped: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        grouped[run["scenario"]][str(run["concurrency"])].append(run)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for scenario, by_concurrency in grouped.items():
        out[scenario] = {}
        for concurrency, group in sorted(by_concurrency.items(), key=lambda kv: int(kv[0])):
            out[scenario][concurrency] = {
                "median": {
                    "rps": median(r["rps"] for r in group),
                    **{k: median(r["latency"][k] for r in group) for k in ("p50_ms", "p95_ms", "p99_ms")},
                    "errors": sum(sum(r["errors"].values()) for r in group),
                    "client_cpu_share": median(r["client_cpu_share"] for r in group),
                },
                "runs": list(group),
            }
    return out


def throughput_ratios(
    load: Mapping[str, Mapping[str, Mapping[str, Any]]], scenario: str, baseline: str = "health"
) -> dict[str, float | None]:
    """scenario requests/s over GET /health requests/s, per concurrency (medians).

    ``baseline`` names the /health runs taken in the same phase as the scenario: the engine's
    load differs between phases (the experience phase has 100,000 documents and slows
    everything on the machine), and a ratio against another phase's /health means nothing.
    """
    health = load.get(baseline, {})
    result: dict[str, float | None] = {}
    for concurrency, cell in load.get(scenario, {}).items():
        value = ratio(cell["median"]["rps"], health.get(concurrency, {}).get("median", {}).get("rps"))
        result[concurrency] = None if value is None else round(value, 3)
    return result


def aggregate_sync_lag(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "median": {
            **{k: median(r["lag"][k] for r in runs) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
            "not_visible": sum(r["not_visible"] for r in runs),
            "created": sum(r["created"] for r in runs),
        },
        "runs": list(runs),
    }


def aggregate_reindex(
    reindex_runs: Sequence[Mapping[str, Any]], bulk_runs: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """One size: medians of both sides and the ratio against opensearch-py's ``bulk`` helper.

    ``parallel_bulk`` runs once per size as a second reference point (four threads against a
    single-threaded reindex); the target is stated against ``bulk``.
    """
    reported = median(r["docs_per_s_reported"] for r in reindex_runs)
    less_startup = median(r["docs_per_s_wall_less_startup"] for r in reindex_runs)
    raw_by_helper = {
        helper: median(r["docs_per_s"] for r in bulk_runs if r["helper"] == helper)
        for helper in sorted({r["helper"] for r in bulk_runs})
    }
    raw_best = max((v for v in raw_by_helper.values() if v is not None), default=None)
    # The command's own figure excludes interpreter start-up; without one, wall time less start-up.
    basis, levelith = ("reported", reported) if reported is not None else ("wall_less_startup", less_startup)
    value = ratio(levelith, raw_by_helper.get("bulk"))
    return {
        "levelith_docs_per_s": {
            "reported": reported,
            "wall": median(r["docs_per_s_wall"] for r in reindex_runs),
            "wall_less_startup": less_startup,
        },
        "raw_docs_per_s": raw_by_helper,
        "raw_best_docs_per_s": raw_best,
        "ratio": None if value is None else round(value, 3),
        "ratio_basis": basis,
        "reindex_runs": list(reindex_runs),
        "bulk_runs": list(bulk_runs),
    }


def targets(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = [
        target(
            f"autocomplete/health throughput at concurrency {HEADLINE_CONCURRENCY}",
            report.get("ratios", {}).get("autocomplete_vs_health", {}).get(str(HEADLINE_CONCURRENCY)),
            ">=",
            TARGET_AUTOCOMPLETE_VS_HEALTH,
        )
    ]
    sync = report.get("sync_lag", {}).get("median", {})
    p99 = sync.get("p99_ms")
    found.append(target("sync lag p99 (s)", None if p99 is None else p99 / 1000, "<", TARGET_SYNC_P99_S))
    for size, cell in report.get("reindex", {}).items():
        found.append(
            target(f"reindex/raw bulk docs/s at {size}", cell.get("ratio"), ">=", TARGET_REINDEX_VS_RAW)
        )
    return found


def load_table(load: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
    width = max((len(s) for s in load), default=8)
    columns = f"{'conc':>4} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
    lines = [f"{'scenario':<{width}} {columns}"]

    def cell(value: float | None) -> str:
        return f"{value:>8.2f}" if value is not None else f"{'-':>8}"

    for scenario, by_concurrency in load.items():
        for concurrency, data in by_concurrency.items():
            m = data["median"]
            rps = f"{m['rps']:>9.1f}" if m["rps"] is not None else f"{'-':>9}"
            lines.append(
                f"{scenario:<{width}} {concurrency:>4} {rps} {cell(m['p50_ms'])} {cell(m['p95_ms'])} "
                f"{cell(m['p99_ms'])} {m['errors']:>6}"
            )
    return "\n".join(lines)


def chart(report: Mapping[str, Any], title: str) -> Any:
    from bench.common.charts import pyplot

    figure, ((rps_ax, p99_ax), (lag_ax, reindex_ax)) = pyplot.subplots(2, 2, figsize=(12, 8))
    load = report.get("load", {}).get("scenarios", {})
    scenarios = list(load)
    concurrencies = sorted({int(c) for s in load.values() for c in s})
    width = 0.8 / max(len(scenarios), 1)
    for i, scenario in enumerate(scenarios):
        xs = [j + (i - (len(scenarios) - 1) / 2) * width for j in range(len(concurrencies))]
        cells = [load[scenario].get(str(c), {}).get("median", {}) for c in concurrencies]
        rps_ax.bar(xs, [c.get("rps") or float("nan") for c in cells], width, label=scenario)
        p99_ax.bar(xs, [c.get("p99_ms") or float("nan") for c in cells], width, label=scenario)
    for ax, label in ((rps_ax, "requests/s (median, log)"), (p99_ax, "p99 latency, ms (median, log)")):
        # Health and a search differ by orders of magnitude; a log axis keeps both readable.
        ax.set_yscale("log")
        ax.set_xticks(range(len(concurrencies)), [f"c={c}" for c in concurrencies])
        ax.set_ylabel(label)
        ax.grid(axis="y", alpha=0.3)
    rps_ax.legend(fontsize=8)
    rps_ax.set_title("load (closed loop, same machine)")
    p99_ax.set_title("tail latency")

    sync_runs = report.get("sync_lag", {}).get("runs", [])
    if sync_runs:
        keys = ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        for n, run in enumerate(sync_runs):
            values = [run["lag"][k] if run["lag"][k] is not None else float("nan") for k in keys]
            lag_ax.plot(keys, values, marker="o", label=f"run {n + 1} ({run['not_visible']} never seen)")
        lag_ax.axhline(
            TARGET_SYNC_P99_S * 1000, color="black", linestyle="dashed", linewidth=1, label="p99 target"
        )
        lag_ax.legend(fontsize=8)
    lag_ax.set_title("sync lag: 201 → searchable")
    lag_ax.set_ylim(bottom=0)
    lag_ax.set_ylabel("ms")
    lag_ax.grid(alpha=0.3)

    reindex = report.get("reindex", {})
    sizes = list(reindex)
    if sizes:
        xs = range(len(sizes))
        ours = [reindex[s]["levelith_docs_per_s"][reindex[s]["ratio_basis"]] or 0 for s in sizes]
        raw = [reindex[s]["raw_docs_per_s"].get("bulk") or 0 for s in sizes]
        parallel = [reindex[s]["raw_docs_per_s"].get("parallel_bulk") or 0 for s in sizes]
        reindex_ax.bar([x - 0.27 for x in xs], ours, 0.27, label="levelith reindex experiences")
        reindex_ax.bar(list(xs), raw, 0.27, label="raw bulk helper (the baseline)")
        reindex_ax.bar([x + 0.27 for x in xs], parallel, 0.27, label="raw parallel_bulk, 4 threads (one run)")
        reindex_ax.set_xticks(list(xs), [f"{int(s):,} docs" for s in sizes])
        reindex_ax.legend(fontsize=8)
    reindex_ax.set_title("reindex throughput")
    reindex_ax.set_ylabel("documents/s (median)")
    reindex_ax.grid(axis="y", alpha=0.3)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
