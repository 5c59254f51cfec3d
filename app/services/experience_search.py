"""Experience search: OpenSearch first, PostgreSQL when the engine is gone or late
(a hedged request, services.search_fallback).

Whichever back end ranks the hits, the items are PostgreSQL's current rows
(app.repositories.experience_hits), so a deleted or changed experience never shows stale data:
engine hits whose row is gone or whose owner is inactive are dropped (and not counted).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.experiences.types import ExperienceCategory, ExperienceType
from app.limits import check_page
from app.repositories.experience_hits import experience_hits
from app.repositories.experience_search_pg import (
    CubeRow,
    ExperienceFilterValues,
    PgExperienceResult,
    browse_page,
    cube_counts,
    experience_cube,
    experience_generation,
    search_experiences,
)
from app.schemas.experience_search import ExperienceItem, ExperienceSearchResponse
from app.search.definitions import alias_name
from app.search.experience_query import (
    ExperienceSearchResult,
    build_experience_facets,
    build_experience_search,
    parse_experience_response,
)
from app.search.facets import EXPERIENCE_FACETS, facets_from_rows, parse_facets
from app.search.text import prepare_query
from app.services.facet_cache import (
    ANY_GENERATION,
    GENERATION_METRICS,
    POSTGRES_COUNTS_TTL_SECONDS,
    FacetCache,
    index_generation,
)
from app.services.search_fallback import ENGINE_OPENSEARCH, ENGINE_POSTGRES, SearchBackends, search_session
from app.services.search_input import category_values, check_query, naics_code_values, sector_values

log = logging.getLogger(__name__)


async def _engine_hits(
    sessions: async_sessionmaker[AsyncSession], ids: list[str]
) -> tuple[list[ExperienceItem], int]:
    """The current rows of the engine's hits, in its order; returns (hits, how many were
    dropped). An empty page needs no session."""
    if not ids:
        return [], 0
    async with search_session(sessions) as session:
        hits = await experience_hits(session, ids)
    return hits, len(ids) - len(hits)


async def _engine_page(
    client: AsyncOpenSearch,
    index: str,
    body: dict[str, Any],
    facets_of: dict[str, Any] | None,
    cache: FacetCache,
) -> ExperienceSearchResult:
    """One page from the engine. facets_of: the filters of a filter-only query whose facet
    counts may come from the cache (None: the body computes its own facets, or none)."""
    if facets_of is None:
        return parse_experience_response(await client.search(index=index, body=body))
    page_response, stats = await asyncio.gather(
        client.search(index=index, body=body), client.indices.stats(index=index, metric=GENERATION_METRICS)
    )
    parsed = parse_experience_response(page_response)
    key = (index, *((name, tuple(values)) for name, values in sorted(facets_of.items())))
    generation = index_generation(stats)
    facets = cache.get(key, generation)
    if facets is None:
        counts = await client.search(index=index, body=build_experience_facets(facets_of))
        facets = parse_facets(EXPERIENCE_FACETS, counts.get("aggregations"))
        cache.put(key, generation, facets)
    return msgspec.structs.replace(parsed, facets=facets)


_POSTGRES_CUBE_KEY = ("postgres", "experience cube")


@dataclass(frozen=True, slots=True)
class _Cube:
    rows: tuple[CubeRow, ...]
    # Bumped when a recomputed cube differs: the sums of each filter set are kept under it.
    version: int
    generation: int


# One re-read of the cube at a time per process: when its TTL ends under load, every
# concurrent browse would otherwise scan the table at once.
_CUBE_READ = asyncio.Lock()
# The background re-read of a cube whose TTL ended (a strong reference, or the task may be
# garbage-collected mid-read).
_CUBE_REFRESH: set[asyncio.Task[None]] = set()


async def _read_cube(session: AsyncSession, cache: FacetCache, generation: int) -> _Cube:
    async with _CUBE_READ:
        cube: _Cube | None = cache.get(_POSTGRES_CUBE_KEY, generation)
        if cube is not None:
            return cube
        previous: _Cube | None = cache.get(_POSTGRES_CUBE_KEY, ANY_GENERATION)
        rows = await experience_cube(session)
        if previous is not None and previous.rows == rows:
            cube = _Cube(rows, previous.version, generation)
        else:
            cube = _Cube(rows, previous.version + 1 if previous is not None else 0, generation)
        cache.put(_POSTGRES_CUBE_KEY, generation, cube, ttl=POSTGRES_COUNTS_TTL_SECONDS)
        return cube


async def _refresh_cube(
    sessions: async_sessionmaker[AsyncSession], cache: FacetCache, generation: int
) -> None:
    try:
        async with search_session(sessions) as session:
            await _read_cube(session, cache, generation)
    except Exception:  # the next browse tries again; the cube it has stays valid meanwhile
        log.warning("re-reading the experience counts failed", exc_info=True)


async def _cube(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], cache: FacetCache
) -> _Cube:
    """The cube for the current generation. The generation is read before the cube, so a cube
    is never filed under a newer one. A cube of the current generation whose TTL ended (its
    TTL only covers a write that was in flight when it was read) answers as it is while it is
    re-read in the background: only a new generation makes a browse wait for the scan."""
    generation = await experience_generation(session)
    cube: _Cube | None = cache.get(_POSTGRES_CUBE_KEY, generation)
    if cube is not None:
        return cube
    previous: _Cube | None = cache.get(_POSTGRES_CUBE_KEY, ANY_GENERATION)
    if previous is not None and previous.generation == generation:
        if not _CUBE_REFRESH and not _CUBE_READ.locked():
            task = asyncio.ensure_future(_refresh_cube(sessions, cache, generation))
            _CUBE_REFRESH.add(task)
            task.add_done_callback(_CUBE_REFRESH.discard)
        return previous
    return await _read_cube(session, cache, generation)


async def _postgres_counts(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    filters: ExperienceFilterValues,
    cache: FacetCache,
    *,
    with_facets: bool,
) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """Total and facets of a blank query from the cached cube. The sums of each filter set are
    kept per cube version: an unchanged re-read cube keeps them (summing thousands of rows in
    Python per filter set would hold the event loop)."""
    cube = await _cube(session, sessions, cache)
    chosen = (filters.categories, filters.experience_types, filters.sectors, filters.naics_codes)
    counts_key = (*_POSTGRES_CUBE_KEY, *(tuple(values) for values in chosen), with_facets)
    counts = cache.get(counts_key, cube.version)
    if counts is None:
        counts = cube_counts(cube.rows, filters, with_facets=with_facets)
        cache.put(counts_key, cube.version, counts)
    return counts


async def _browse_postgres(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    filters: ExperienceFilterValues,
    cache: FacetCache,
    *,
    limit: int,
    offset: int,
    with_facets: bool,
) -> PgExperienceResult:
    """A blank query on PostgreSQL: a page off the sort index, counts from the cached cube."""
    total, facets = await _postgres_counts(session, sessions, filters, cache, with_facets=with_facets)
    hits = await browse_page(session, filters, limit=limit, offset=offset)
    return PgExperienceResult(total=total, hits=hits, facets=facets)


class ExperienceQuery(msgspec.Struct, frozen=True):
    """What an experience search asks for: the text, the facet filters, the page, and whether
    to count facets."""

    q: str | None = None
    category: Sequence[str] | None = None
    experience_type: Sequence[str] | None = None
    sector: Sequence[str] | None = None
    naics_code: Sequence[str] | None = None
    limit: int = 20
    offset: int = 0
    facets: bool = True

    def filter_values(self) -> ExperienceFilterValues:
        """The filters checked and canonical (InvalidSearchInput naming the filter)."""
        return ExperienceFilterValues(
            category_values("category", self.category, ExperienceCategory),
            category_values("experience_type", self.experience_type, ExperienceType),
            sector_values(self.sector),
            naics_code_values(self.naics_code),
        )


@dataclass(frozen=True, slots=True)
class ExperienceSearch:
    """Experience search (app.routes.dependencies provides it)."""

    backends: SearchBackends
    facet_cache: FacetCache

    async def search(self, query: ExperienceQuery) -> ExperienceSearchResponse:
        q = check_query(query.q)
        limit, offset, facets = query.limit, query.offset, query.facets
        check_page(limit, offset)
        filters = query.filter_values()
        engine_filters: dict[str, Any] = {
            "category": list(filters.categories),
            "experience_type": list(filters.experience_types),
            "sector": list(filters.sectors),
            "naics_code": list(filters.naics_codes),
        }
        prepared = prepare_query(q)
        # Filter-only queries take their facet counts from the cache; the page itself needs none.
        cached_facets = facets and not prepared.words
        body = build_experience_search(
            q, engine_filters, limit=limit, offset=offset, with_facets=facets and not cached_facets
        )
        backends, facet_cache = self.backends, self.facet_cache
        index = alias_name("experiences", backends.index_prefix)

        async def from_engine() -> ExperienceSearchResult:
            facets_of = engine_filters if cached_facets else None
            return await _engine_page(backends.client, index, body, facets_of, facet_cache)

        async def from_postgres() -> ExperienceSearchResponse:
            async with search_session(backends.sessions) as own:
                if prepared.words:
                    pg = await search_experiences(
                        own, prepared, filters, limit=limit, offset=offset, with_facets=facets
                    )
                else:
                    pg = await _browse_postgres(
                        own,
                        backends.sessions,
                        filters,
                        facet_cache,
                        limit=limit,
                        offset=offset,
                        with_facets=facets,
                    )
            return ExperienceSearchResponse(
                items=pg.hits,
                total=pg.total,
                facets=facets_from_rows(EXPERIENCE_FACETS, pg.facets) if facets else {},
                engine=ENGINE_POSTGRES,
            )

        kind = f"experiences:{'text' if prepared.words else 'blank'}{'+facets' if facets else ''}"
        answer = await backends.hedge.run(kind, from_engine, from_postgres)
        if isinstance(answer.value, ExperienceSearchResponse):
            return answer.value
        parsed = answer.value
        items, dropped = await _engine_hits(backends.sessions, [hit.id for hit in parsed.items])
        return ExperienceSearchResponse(
            items=items,
            total=max(parsed.total - dropped, 0),
            facets=parsed.facets if facets else {},
            engine=ENGINE_OPENSEARCH,
            total_relation=parsed.total_relation,
        )
