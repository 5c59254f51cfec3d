"""The benchmarks' pure parts on tiny input: the split, the derived queries, the metrics and
the written results. The benchmarks themselves never run in the test suite (see bench/)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from bench.common.census_files import sniff_kind
from bench.common.results import write_json, write_png
from bench.common.stats import percentile
from bench.perf import report as perf_report
from bench.perf.reindex import parse_summary
from bench.perf.traffic import autocomplete_paths, keystroke_prefixes
from bench.relevance import report as relevance_report
from bench.relevance.index_file import read_index_sheet, write_index_sheet
from bench.relevance.metrics import summarise
from bench.relevance.queries import as_typed, with_typo
from bench.relevance.split import IndexItem, is_dev, is_held_out, split_items

ITEMS = [
    ("541511", "Custom computer programming services"),
    ("541511", "Computer software programming services, custom"),
    ("513210", "Software publishers"),
    ("722511", "Restaurants, full service"),
    ("621210", "Dentists' offices"),
    ("311811", "Bakeries, retail"),
    ("111110", "Soybean farming, field and seed production"),
    ("238220", "Plumbing contractors"),
] + [("999990", f"Made-up industry number {n}") for n in range(40)]


def _index_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NAICS22", "INDEX ITEM DESCRIPTION"])
    for code, text in ITEMS:
        sheet.append([int(code), text])
    sheet.append(["******", "Consultants -- see specific activity"])
    workbook.save(path)
    return path


def _one_edit_apart(a: str, b: str) -> bool:
    if len(a) == len(b) + 1:  # one deletion
        return any(a[:i] + a[i + 1 :] == b for i in range(len(a)))
    if len(a) == len(b):  # one swap of neighbours
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
    return False


def test_bench_pure_parts_on_tiny_input(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="charts need the 'bench' extra (matplotlib)")
    # The split: deterministic, by normalised text, disjoint, and the filtered file re-reads as an index file.
    sheet = read_index_sheet(_index_workbook(tmp_path / "index.xlsx"))
    assert len(sheet.items) == len(ITEMS) and sheet.other_rows == 1
    split = split_items(sheet.items)
    assert split == split_items(sheet.items)
    assert {i.text for i in split.held_out} == {i.text for i in sheet.items if is_held_out(i.text)}
    assert len(split.held_out) + len(split.indexed) == len(ITEMS)
    assert 0 < len(split.held_out) < len(ITEMS)
    assert is_held_out("Software  Publishers") == is_held_out("software publishers")
    filtered = write_index_sheet(tmp_path / "indexed.xlsx", sheet.header_rows, split.indexed)
    assert sniff_kind(filtered) == "index"
    assert [(i.code, i.text) for i in read_index_sheet(filtered).items] == [
        (i.code, i.text) for i in split.indexed
    ]

    # Derived queries.
    assert as_typed("Custom computer programming services") == "Custom com"
    assert as_typed("Dentists' offices") == "Dentists off"
    assert as_typed("Men's clothing stores") == "Men's clo"
    assert as_typed("Bakeries") == "Bak"
    text = "Soybean farming, field and seed production"
    typo = with_typo(text)
    assert typo == with_typo(text) and typo.startswith("Soybean farming, field and seed p")
    assert _one_edit_apart("production", typo.rsplit(" ", 1)[1])
    assert with_typo("Spa, day") == "Spa, day"

    # Metrics and the relevance report.
    assert summarise([1, 3, None, 7]) == {
        "queries": 4,
        "recall@1": 0.25,
        "recall@5": 0.5,
        "recall@10": 0.75,
        "mrr": round((1 + 1 / 3 + 1 / 7) / 4, 4),
    }
    items = split.held_out[:2] if len(split.held_out) >= 2 else sheet.items[:2]
    outcome = relevance_report.SetOutcome(
        queries=[i.text for i in items],
        answers={"service": [[items[0].code], []], "bm25": [["000000", items[0].code], [items[1].code]]},
    )
    results = {"held_out": relevance_report.system_results(items, outcome, {"service": {"timeout": 1}})}
    assert results["held_out"]["service"]["recall@1"] == 0.5 and results["held_out"]["service"]["empty"] == 1
    assert results["held_out"]["bm25"]["recall@1"] == 0.5 and results["held_out"]["bm25"]["mrr"] == 0.75
    classify = {"top1": 0.8, "top5": 0.85}
    typed = relevance_report.keystroke_summary(items, [2, None], ["abcd", "abcdefgh"])
    assert (typed["mean_share"], typed["never_in_top5"]) == (0.75, 1)
    verdicts = {
        t["name"]: t["pass"] for t in relevance_report.targets(results, {}, classify, {"after_import": typed})
    }
    assert {name: verdicts[name] for name in list(verdicts)[:3]} == {
        "service recall@1 (held-out)": False,  # 0.5 < 0.75
        "service recall@10 (held-out)": False,
        "service recall@1 / plain BM25 recall@1 (held-out)": False,
    }
    assert verdicts["classify top-1 (held-out)"] and not verdicts["classify top-5 (held-out)"]
    # What was not measured (no BEACON-style run, no fresh install) fails.
    assert not verdicts["service recall@1 / BEACON-style recall@1 (held-out)"]
    assert not verdicts["everyday success@1 (service, fresh install)"]
    assert not verdicts["autocomplete keystroke share, everyday (after import)"]
    worst = relevance_report.worst_queries(items, outcome, {items[1].code: "Some title"})
    assert [w["expected"] for w in worst] == [items[1].code] and worst[0]["bm25_rank"] == 1
    assert "plain BM25" in relevance_report.table(results)
    write_png(tmp_path / "relevance.png", relevance_report.chart(results, "tiny"))

    # Perf: keystrokes, medians, ratios, the reindex summary, and the written results.
    assert keystroke_prefixes("Software  Publishers")[:10] == [
        "s", "so", "sof", "soft", "softw", "softwa", "softwar", "software", "software p", "software pu",
    ]  # fmt: skip
    paths = autocomplete_paths(["Dentists", "Bakeries"], user=1, users=2)
    assert next(paths) == "/api/v1/naics/autocomplete?q=b&limit=10"
    # A later run types other titles first, so it cannot be answered from an earlier run's cache.
    later = autocomplete_paths(["Dentists", "Bakeries", "Florists"], user=0, users=1, start=1)
    assert next(later) == "/api/v1/naics/autocomplete?q=b&limit=10"
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([], 99) is None
    assert parse_summary("experiences: 10,000 documents in 2.0 s (5,000.5 docs/s)") == (10000, 5000.5)
    assert parse_summary("nothing useful") == (None, None)

    def run(scenario: str, rps: float) -> dict:
        latency = {"p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "max_ms": 4.0}
        return {"scenario": scenario, "concurrency": 32, "rps": rps, "latency": latency, "errors": {},
                "client_cpu_share": 0.5}  # fmt: skip

    load = perf_report.aggregate_load(
        [run("health", r) for r in (900, 1000, 5000)] + [run("autocomplete", 400)]
    )
    assert load["health"]["32"]["median"]["rps"] == 1000
    assert perf_report.throughput_ratios(load, "autocomplete") == {"32": 0.4}
    reindex = perf_report.aggregate_reindex(
        [{"docs_per_s_reported": 4000.0, "docs_per_s_wall": 2000.0, "docs_per_s_wall_less_startup": 3000.0}],
        [{"helper": "bulk", "docs_per_s": 5000.0}, {"helper": "parallel_bulk", "docs_per_s": 4500.0}],
    )
    assert reindex["ratio"] == 0.8 and reindex["ratio_basis"] == "reported"
    lag = {"p50_ms": 80.0, "p95_ms": 300.0, "p99_ms": 1200.0, "max_ms": 1500.0}
    sync_run = {"lag": lag, "not_visible": 0, "created": 10}
    result = {
        "load": {"scenarios": load},
        "ratios": {"autocomplete_vs_health": perf_report.throughput_ratios(load, "autocomplete")},
        "sync_lag": perf_report.aggregate_sync_lag([sync_run]),
        "reindex": {"10000": reindex},
    }
    assert [t["pass"] for t in perf_report.targets(result)] == [False, False, True]
    json_path = write_json(tmp_path / "perf.json", result)
    png_path = write_png(tmp_path / "perf.png", perf_report.chart(result, "tiny"))
    assert json.loads(json_path.read_text())["reindex"]["10000"]["ratio"] == 0.8
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "relevance.png").stat().st_size > 1000
    assert not list(tmp_path.glob("*.tmp"))


def test_the_dev_split_is_a_bucket_of_the_indexed_items_only() -> None:
    items = [IndexItem("111110", f"item number {i}", ()) for i in range(500)]
    split = split_items(items)
    dev = split_items(items, dev=True)
    assert dev == split_items(items, dev=True)
    # Tuning never sees a held-out item: neither trained on nor asked.
    held_out = {i.text for i in split.held_out}
    assert not held_out & {i.text for i in dev.indexed + dev.held_out}
    assert {i.text for i in dev.indexed + dev.held_out} == {i.text for i in split.indexed}
    assert {i.text for i in dev.held_out} == {i.text for i in split.indexed if is_dev(i.text)}
    assert 0.1 < len(dev.held_out) / len(split.indexed) < 0.3
