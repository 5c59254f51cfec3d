"""python -m bench.faults [--quick] [--writes N] [--searches N] [--output PATH]

Writes and searches over HTTP while the search engine is SIGKILLed and restarted empty (several
times), the indexer process is SIGKILLed mid-batch and restarted, and PostgreSQL is restarted.
Passes when no response is a 5xx other than a 503 with Retry-After during the database gap, every
write succeeds, and the indexes end up equal to PostgreSQL (same ids, same versions).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from bench.common.cli import quiet_client_logs
from bench.common.paths import RESULTS_DIR
from bench.common.results import write_json
from bench.faults.run import QUICK, Config, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="500 writes + 500 searches (development)")
    parser.add_argument("--writes", type=int, default=None)
    parser.add_argument("--searches", type=int, default=None)
    parser.add_argument("--output", type=Path, default=None, help="default bench/results/faults.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    quiet_client_logs()
    for noisy in ("opensearch", "app", "indexer", "httpx"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    config = QUICK if args.quick else Config()
    if args.writes is not None:
        config = dataclasses.replace(config, writes=args.writes)
    if args.searches is not None:
        config = dataclasses.replace(config, searches=args.searches)
    output = args.output or RESULTS_DIR / ("faults-quick.json" if args.quick else "faults.json")
    report = run(config)
    write_json(output, report)
    summary = {
        k: report[k]
        for k in (
            "passed",
            "requests",
            "stream_seconds",
            "statuses",
            "server_errors_other_than_503",
            "writes",
            "search_engines_by_state",
            "settle_seconds",
        )
    }
    print(json.dumps(summary, indent=2))
    print(
        json.dumps({k: report["consistency"].get(k) for k in ("equal", "naics", "experiences")}, indent=1)[
            :2000
        ]
    )
    for event in report["faults"]:
        print(f"  {event}")
    for failure in report["failures"][:20]:
        print(f"  FAILURE {failure}")
    print(f"\nwrote {output}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
