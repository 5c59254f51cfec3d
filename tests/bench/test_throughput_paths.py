"""The wrk throughput phase's request lists: distinct as-typed queries, and the ratio arithmetic."""

from __future__ import annotations

from bench.perf.throughput import as_typed_paths, ratios

TITLES = ["Software Publishers", "Soybean Farming", "Dentists", "Bakeries and Tortilla Manufacturing"]


def test_as_typed_paths_are_distinct_keystroke_prefixes_up_to_the_count() -> None:
    paths = as_typed_paths(TITLES, count=20, limit=10)
    assert len(paths) == len(set(paths)) == 20
    assert paths[:3] == [
        "/api/v1/naics/autocomplete?q=s&limit=10",
        "/api/v1/naics/autocomplete?q=so&limit=10",
        "/api/v1/naics/autocomplete?q=sof&limit=10",
    ]
    # "so" is typed again for "Soybean Farming": asked once.
    assert sum(p.endswith("?q=so&limit=10") for p in paths) == 1
    assert "/api/v1/naics/autocomplete?q=software%20p&limit=10" in paths


def test_ratios_are_against_health_medians() -> None:
    scenarios = {
        "health": {"median": {"rps": 1000.0}},
        "autocomplete": {"median": {"rps": 600.0}},
        "naics_detail": {"median": {"rps": None}},
    }
    assert ratios(scenarios) == {"autocomplete_vs_health": 0.6, "naics_detail_vs_health": None}
