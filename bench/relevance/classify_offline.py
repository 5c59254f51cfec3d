"""python -m bench.relevance.classify_offline [--held-out] [--max-queries N]

The classifier alone, in-process, in seconds instead of a full relevance run: trains
app.naics.classifier on the built-in catalogue whose index items are replaced by the indexed
part of the split (as `levelith naics import` of the filtered index file does), then scores
top-1 / top-5 on the items kept out. By default on the development split (split.is_dev: the
held-out items are neither trained on nor asked); ``--held-out`` is for a final confirmation
only. Prints the training time, which must stay a few seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from typing import Any

from app.naics.builtin import builtin_data
from app.naics.classifier import NaicsClassifier
from bench.common.census_files import CensusFilesMissing, locate_census_files
from bench.common.paths import census_dir
from bench.relevance.index_file import read_index_sheet
from bench.relevance.queries import QUERY_SETS
from bench.relevance.split import IndexItem, Split, split_items, text_hash


def catalogue_documents(indexed: list[IndexItem]) -> list[dict[str, Any]]:
    """The built-in catalogue as the classifier reads it from PostgreSQL, with the indexed items
    as each code's keywords."""
    keywords: dict[str, list[str]] = defaultdict(list)
    for item in indexed:
        keywords[item.code].append(item.text)
    return [
        {
            "code": entry.code,
            "level": len(entry.code),
            "title": entry.title,
            "description": entry.description,
            "aliases": list(entry.aliases),
            "keywords": keywords.get(entry.code, []),
            "is_active": True,
        }
        for entry in builtin_data().codes
    ]


def load_split(*, held_out: bool) -> Split:
    sheet = read_index_sheet(locate_census_files(census_dir()).index)
    return split_items(sheet.items, dev=not held_out)


def evaluate(model: NaicsClassifier, items: list[IndexItem], query_set: str = "held_out") -> dict[str, float]:
    """Top-1, -5 and -10 of the classifier's suggestions for each item's query of the set."""
    derive = QUERY_SETS[query_set]
    top1 = top5 = top10 = 0
    for item in items:
        codes = [s.code for s in model.suggest(derive(item.text), 10)]
        top1 += bool(codes) and codes[0] == item.code
        top5 += item.code in codes[:5]
        top10 += item.code in codes
    n = len(items)
    return {"top1": round(top1 / n, 4), "top5": round(top5 / n, 4), "top10": round(top10 / n, 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance.classify_offline", description=__doc__)
    parser.add_argument("--held-out", action="store_true", help="final confirmation on the held-out items")
    parser.add_argument("--max-queries", type=int, default=None, help="a fixed sample of the items asked")
    parser.add_argument(
        "--queries",
        choices=sorted(QUERY_SETS),
        default="held_out",
        help="the items' texts, as typed or with a typo",
    )
    args = parser.parse_args(argv)
    try:
        split = load_split(held_out=args.held_out)
    except CensusFilesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    items = split.held_out
    if args.max_queries is not None:
        items = sorted(items, key=lambda item: text_hash(item.text))[: args.max_queries]
    documents = catalogue_documents(split.indexed)
    started, cpu = time.perf_counter(), time.process_time()
    model = NaicsClassifier(documents)
    trained, trained_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    scores = evaluate(model, items, args.queries)
    per_text_ms = (time.perf_counter() - started) / len(items) * 1000
    print(
        f"{'held-out' if args.held_out else 'dev'} items ({args.queries}): {len(items)}, "
        f"trained on {len(split.indexed)} indexed items ({model.samples} samples) "
        f"in {trained:.2f} s ({trained_cpu:.2f} s CPU); "
        f"top-1 {scores['top1']}, top-5 {scores['top5']}, top-10 {scores['top10']}; "
        f"{per_text_ms:.2f} ms per text"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
