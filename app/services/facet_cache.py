"""Facet counts of filter-only experience searches, cached per index generation.

Browsing (a blank query with filters) asks the same few filter combinations again and again,
and its facet aggregations are the engine's costliest work. Counts are kept per filter set
together with the *generation* of the index they were computed on: (documents, newest
``updated_at``), read from the engine itself with one size-0 request beside the page's own
(experience_query.INDEX_GENERATION_BODY). Any write the indexer applies changes it, so a cached
count is never served for an index that changed, whichever process or indexer wrote; and
since it is read from the engine, not from PostgreSQL, a write is not "seen" before the
engine can show it. The TTL bounds what the generation cannot see: a NAICS catalogue edit
that moves a code to another sector relabels experience documents without touching their
``updated_at``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from app.search.facets import FacetBucket

Facets = dict[str, list[FacetBucket]]
Generation = Hashable

MAX_ENTRIES = 512
TTL_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class _Entry:
    generation: Generation
    facets: Facets
    stored: float


class FacetCache:
    """A small LRU of facet counts; one per API process (``app.state.facet_cache``)."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self.clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, generation: Generation) -> Facets | None:
        entry = self._entries.get(key)
        if entry is None or entry.generation != generation or self.clock() - entry.stored > self.ttl:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.facets

    def put(self, key: Hashable, generation: Generation, facets: Facets) -> None:
        self._entries[key] = _Entry(generation, facets, self.clock())
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
