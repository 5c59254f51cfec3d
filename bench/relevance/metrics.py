"""Recall@k and mean reciprocal rank over ranked code lists."""

from __future__ import annotations

from collections.abc import Sequence

CUTOFFS = (1, 5, 10)


def rank_of(expected: str, codes: Sequence[str]) -> int | None:
    """1-based rank of the expected code, None when it is not in the list."""
    ordered = list(codes)
    return ordered.index(expected) + 1 if expected in ordered else None


def summarise(ranks: Sequence[int | None], *, depth: int = 10) -> dict[str, float | int]:
    """recall@1/@5/@10 and MRR (a miss beyond `depth` counts 0) over all queries."""
    total = len(ranks)
    summary: dict[str, float | int] = {"queries": total}
    for k in CUTOFFS:
        hits = sum(1 for r in ranks if r is not None and r <= k)
        summary[f"recall@{k}"] = round(hits / total, 4) if total else 0.0
    reciprocal = sum(1 / r for r in ranks if r is not None and r <= depth)
    summary["mrr"] = round(reciprocal / total, 4) if total else 0.0
    return summary
