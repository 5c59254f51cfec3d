"""python -m bench.perf [--quick] [--repeats N] [--output PATH]"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path

from bench.common.census_files import CensusFilesMissing
from bench.common.cli import quiet_client_logs
from bench.common.paths import RESULTS_DIR
from bench.common.results import write_json, write_png
from bench.perf.report import chart, load_table
from bench.perf.run import FULL, QUICK, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes and one repeat (development)")
    parser.add_argument("--repeats", type=int, default=None, help="override the number of repeats")
    parser.add_argument("--output", type=Path, default=None, help="default bench/results/perf.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    quiet_client_logs()
    config = QUICK if args.quick else FULL
    if args.repeats is not None:
        config = dataclasses.replace(config, repeats=args.repeats)
    # A quick run never overwrites the committed full results by accident.
    output = args.output or RESULTS_DIR / ("perf-quick.json" if args.quick else "perf.json")

    try:
        report = run(config)
    except CensusFilesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    write_json(output, report)
    machine = report["machine"]
    title = (
        f"Levelith performance ({report['mode']}), {report['generated_at'][:10]}, "
        f"{machine['logical_cores']} cores / {machine['memory_gib']} GiB, "
        f"{report['search_engine']['name']} {report['search_engine']['version']}, medians of {config.repeats}"
    )
    write_png(output.with_suffix(".png"), chart(report, title))

    print(load_table(report["load"]["scenarios"]))
    print(f"\nratios vs /health: {report['ratios']}")
    print(f"sync lag: {report['sync_lag'].get('median')}")
    for size, cell in report["reindex"].items():
        ours, raw = cell["levelith_docs_per_s"], cell["raw_docs_per_s"]
        print(f"reindex {size}: {ours} vs raw {raw} -> ratio {cell['ratio']} ({cell['ratio_basis']})")
    print(f"API peak RSS under load: {report['memory']['api_peak_rss_during_load_mib']} MiB")
    for t in report["targets"]:
        print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['name']}: {t['value']} (target {t['target']})")
    for name, error in report["phase_errors"].items():
        print(f"  ERROR in phase {name}: {error}")
    print(f"\nwrote {output} and {output.with_suffix('.png')}")
    return 1 if report["phase_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
