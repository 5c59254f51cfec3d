"""The facet cache itself: an entry serves only its own generation, and ages out."""

from __future__ import annotations

from app.search.facets import FacetBucket
from app.services.facet_cache import FacetCache, index_generation

FACETS = {"category": [FacetBucket(value="workplace", label="Work", count=3)]}


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_serves_its_generation_only() -> None:
    cache = FacetCache()
    cache.put(("k",), (10, 1.0), FACETS)
    assert cache.get(("k",), (10, 1.0)) == FACETS
    assert cache.get(("k",), (11, 1.0)) is None  # a document more
    assert cache.get(("k",), (10, 2.0)) is None  # a newer write
    assert cache.get(("other",), (10, 1.0)) is None


def test_entries_expire_and_the_oldest_is_dropped_first() -> None:
    clock = Clock()
    cache = FacetCache(max_entries=2, ttl=60, clock=clock)
    for key in ("a", "b", "c"):
        cache.put(key, 1, FACETS)
    assert cache.get("a", 1) is None
    assert cache.get("c", 1) == FACETS
    clock.now = 61
    assert cache.get("c", 1) is None


def _stats(index: str, index_total: int, docs: int, refreshes: int) -> dict:
    primaries = {
        "indexing": {"index_total": index_total, "delete_total": 0},
        "docs": {"count": docs, "deleted": 0},
        "refresh": {"total": refreshes},
    }
    return {"indices": {index: {"primaries": primaries}}}


def test_the_generation_moves_with_writes_refreshes_and_reindexes() -> None:

    base = index_generation(_stats("experiences_v1", 10, 10, 3))
    assert index_generation(_stats("experiences_v1", 10, 10, 3)) == base
    assert index_generation(_stats("experiences_v1", 11, 10, 3)) != base  # an update
    assert index_generation(_stats("experiences_v1", 10, 10, 4)) != base  # made searchable
    assert index_generation(_stats("experiences_v2", 10, 10, 3)) != base  # a reindex
