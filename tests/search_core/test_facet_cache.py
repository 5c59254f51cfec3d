"""The facet cache itself: an entry serves only its own generation, and ages out."""

from __future__ import annotations

from app.search.facets import FacetBucket
from app.services.facet_cache import FacetCache

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
