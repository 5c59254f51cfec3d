"""The soak harness end to end for ~20 s of traffic (the real run is 30 minutes: bench/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.soak.__main__ import main


def test_soak_runs_short_and_reports_every_target(tmp_path: Path) -> None:
    output = tmp_path / "soak.json"
    main(["--minutes", "0.33", "--connections", "4", "--output", str(output)])
    report = json.loads(output.read_text())
    assert report["requests"] > 0 and sum(report["mix_sent"].values()) > 0.99
    assert report["undocumented_5xx"] == 0, report["failures"]
    assert report["consistency"]["equal"], report["consistency"]
    assert report["writes"]["found_in_index"] == report["writes"]["still_live"]
    assert [e["fault"] for e in report["faults"]].count("kill engine") == 2
    assert {"rss_growth_below_10_percent", "open_fds_flat", "db_connections_flat"} <= set(report["targets"])
    assert all(s["rss_kib"] for s in report["samples"])
