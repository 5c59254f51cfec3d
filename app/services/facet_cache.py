"""Facet counts of filter-only experience searches, cached per index generation.

Browsing (a blank query with filters) asks the same few filter combinations again and again,
and its facet aggregations are the engine's costliest work. Counts are kept per filter set
together with the *generation* of the index they were computed on, read from the engine's
index stats API beside the page's own request (well under a millisecond): the physical
index behind the alias (a reindex swaps it), its indexing and delete operation counts (any
write the indexer applies moves them, whichever process wrote), its document counts, and
its refresh count (a write becomes searchable on a refresh, so counts computed between the
write and the refresh are not kept past it). Read from the engine, not from PostgreSQL, the
generation never runs ahead of what a search can see. The TTL is a backstop for an engine
whose stats say less than OpenSearch's (see docs/search-hedging.md).

The PostgreSQL fallback keeps its browse counts here too, under its own key and generation
(repositories.experience_search_pg: the outbox id sequence, which every write that changes a
search document moves) with a short TTL (POSTGRES_COUNTS_TTL_SECONDS): a sequence value is
taken before its transaction commits, so counts computed in between may miss that write
until the TTL ends.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

Generation = Hashable

MAX_ENTRIES = 512
TTL_SECONDS = 60.0
POSTGRES_COUNTS_TTL_SECONDS = 2.0
# get(key, ANY_GENERATION): the entry of any generation, even expired (to compare with).
ANY_GENERATION = object()
# What the indices stats request asks for (GET /{alias}/_stats/indexing,refresh,docs).
GENERATION_METRICS = "indexing,refresh,docs"


def index_generation(stats: Mapping[str, Any]) -> Generation:
    """The generation of the indexes in a stats response (any change of content changes it)."""
    generation = []
    for name, index in sorted((stats.get("indices") or {}).items()):
        primaries = index.get("primaries") or {}
        indexing = primaries.get("indexing") or {}
        docs = primaries.get("docs") or {}
        refresh = primaries.get("refresh") or {}
        generation.append(
            (
                name,
                indexing.get("index_total"),
                indexing.get("delete_total"),
                docs.get("count"),
                docs.get("deleted"),
                refresh.get("total"),
            )
        )
    return tuple(generation)


@dataclass(frozen=True, slots=True)
class _Entry:
    generation: Generation
    facets: Any
    expires: float


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

    def get(self, key: Hashable, generation: Generation) -> Any:
        entry = self._entries.get(key)
        if entry is not None and generation is ANY_GENERATION:
            return entry.facets
        if entry is None or entry.generation != generation or self.clock() > entry.expires:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.facets

    def put(self, key: Hashable, generation: Generation, facets: Any, ttl: float | None = None) -> None:
        """Keep `facets` (counts of any shape) for `generation`, for `ttl` seconds at most."""
        self._entries[key] = _Entry(generation, facets, self.clock() + (self.ttl if ttl is None else ttl))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
