"""python -m bench.relevance [--max-queries N] [--dev] [--output PATH]"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bench.common.census_files import CensusFilesMissing
from bench.common.cli import quiet_client_logs
from bench.common.paths import RESULTS_DIR
from bench.common.results import write_json, write_png
from bench.relevance.report import chart, misses_text, table
from bench.relevance.run import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__)
    parser.add_argument("--max-queries", type=int, default=None, help="evaluate a fixed sample (development)")
    parser.add_argument("--concurrency", type=int, default=8, help="queries in flight per system")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "relevance.json")
    parser.add_argument(
        "--dev",
        action="store_true",
        help="tune on the development split: a hash bucket of the indexed items, kept out of the import, is "
        "asked instead of the held-out items (which are then neither imported nor asked)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    quiet_client_logs()

    try:
        report, _, _ = run(max_queries=args.max_queries, concurrency=args.concurrency, dev=args.dev)
    except CensusFilesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    write_json(args.output, report)
    machine = report["machine"]
    title = (
        f"NAICS relevance, {report['data']['evaluated_items']} {report['data']['split'].replace('_', '-')} "
        f"index items, "
        f"{report['generated_at'][:10]}, {machine['logical_cores']} cores, "
        f"{report['search_engine']['name']} {report['search_engine']['version']}"
    )
    write_png(args.output.with_suffix(".png"), chart(report["results"], title))

    print(table(report["results"]))
    print("\nfresh install (before any import):")
    print(table(report["fresh_install"]))
    print(f"\nclassify (held-out): {report['classify']}")
    for phase, summary in report["keystrokes"].items():
        print(f"autocomplete keystroke share ({phase}): {summary['mean_share']}")
    print()
    for t in report["targets"]:
        print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['name']}: {t['value']} (target {t['target']})")
    print(f"\nservice answered by: {report['service_engines']}")
    print(f"autocomplete answered by: {report['autocomplete_engines']}")
    print("\nrecall@10 misses by sector:")
    for row in report["misses_by_sector"]:
        print(f"  {row['sector']}: {row['missed']}/{row['queries']} ({row['miss_rate']:.0%})")
    print("\nworst held-out queries for the service:")
    print(misses_text(report["worst_queries"]))
    print(f"\nwrote {args.output} and {args.output.with_suffix('.png')}")
    return 1 if args.check and not report["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
