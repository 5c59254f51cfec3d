"""python -m bench.soak [--minutes 30] [--connections 16] [--output PATH]

Mixed traffic (autocomplete 60 %, NAICS search 15 %, experience search 10 %, writes 10 %,
deletes 5 %) from 16 connections for 30 minutes, while the search engine is SIGKILLed and
restarted twice, the indexer once, and `levelith reindex all` runs in the middle. Reports 5xx
(0 apart from documented 503s with Retry-After), the API's RSS growth after the first 5
minutes (< 10 %), open file descriptors and database connections (flat), whether every index
equals PostgreSQL at the end, and writes accepted against writes found in the index.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bench.common.cli import quiet_client_logs
from bench.common.paths import RESULTS_DIR
from bench.common.results import write_json
from bench.soak.run import Config, run

SUMMARY_KEYS = (
    "passed",
    "targets",
    "seconds",
    "requests",
    "requests_per_second",
    "mix_sent",
    "statuses",
    "undocumented_5xx",
    "writes",
    "api_rss_kib",
    "api_open_fds",
    "db_connections",
    "settle_seconds",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--output", type=Path, default=None, help="default bench/results/soak.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    quiet_client_logs()
    for noisy in ("opensearch", "app", "indexer", "httpx"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    config = Config(minutes=args.minutes, connections=args.connections)
    output = args.output or RESULTS_DIR / ("soak.json" if args.minutes >= 30 else "soak-short.json")
    report = run(config)
    write_json(output, report)
    print(json.dumps({k: report[k] for k in SUMMARY_KEYS}, indent=2))
    for event in report["faults"]:
        print(f"  {event}")
    for failure in report["failures"][:20]:
        print(f"  FAILURE {failure}")
    print(f"\nwrote {output}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
