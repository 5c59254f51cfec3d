"""NAICS search and autocomplete: OpenSearch first, PostgreSQL when the engine is gone.

Both back ends apply the same relevance tiers to the same prepared query, so a result's
`score` and `match_type` do not depend on which one answered; `engine` says which did.
Autocomplete first asks the process's in-memory index (services.naics_typeahead), which
holds the same tiers for the cheap part of the table.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import msgspec
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.repositories.naics_search_pg import NaicsFilterValues, PgNaicsResult, search_naics
from app.search.definitions import alias_name
from app.search.facets import FacetBucket, FacetSpec
from app.search.naics_query import (
    BROWSE,
    NAICS_FACETS,
    NaicsSearchResult,
    build_naics_autocomplete,
    build_naics_browse,
    build_naics_search,
    parse_naics_browse_response,
    parse_naics_response,
)
from app.search.text import PreparedQuery, prepare_query
from app.search.tiers import TIERS
from app.services.naics_classifier import RERANK_WINDOW, Classifier, learned_fill, order_within_tiers
from app.services.naics_typeahead import Typeahead
from app.services.search_fallback import engine_unavailable
from app.services.search_input import (
    MAX_AUTOCOMPLETE_LIMIT,
    MAX_SEARCH_LIMIT,
    check_query,
    clean_values,
    level_values,
    page,
    sector_values,
)

log = logging.getLogger(__name__)

ENGINE_OPENSEARCH = "opensearch"
ENGINE_POSTGRES = "postgres"
ENGINE_MEMORY = "memory"
_TIER_NAME_BY_SCORE: dict[int, str] = {t.score: t.name for t in TIERS} | {BROWSE.score: BROWSE.name}


class NaicsItem(msgspec.Struct, frozen=True):
    code: str
    title: str
    level: int
    sector: str | None
    sector_title: str | None
    category: str
    score: int
    match_type: str


class NaicsSearchResponse(msgspec.Struct, frozen=True):
    items: list[NaicsItem]
    total: int
    facets: dict[str, list[FacetBucket]]
    engine: str


class NaicsAutocompleteResponse(msgspec.Struct, frozen=True):
    items: list[NaicsItem]
    total: int
    engine: str


def _item(fields: dict[str, Any], score: int, match_type: str) -> NaicsItem:
    return NaicsItem(
        code=str(fields["code"]),
        title=str(fields.get("title") or ""),
        level=int(fields["level"]),
        sector=fields.get("sector"),
        sector_title=fields.get("sector_title"),
        category=str(fields.get("category") or ""),
        score=score,
        match_type=match_type,
    )


def _from_engine(result: NaicsSearchResult) -> tuple[list[NaicsItem], int]:
    items = [_item(hit.source | {"code": hit.code}, hit.score, hit.match_type) for hit in result.items]
    return items, result.total


def _from_postgres(result: PgNaicsResult) -> list[NaicsItem]:
    return [_item(row, int(row["score"]), _TIER_NAME_BY_SCORE[int(row["score"])]) for row in result.items]


def _bucket(spec: FacetSpec, row: dict[str, Any]) -> FacetBucket:
    value = int(row["value"]) if spec.value_type is int else str(row["value"])
    # Labels come from the same place as the engine's: a column (sector title) or the spec.
    if row.get("label"):
        label = str(row["label"])
    elif spec.label_for is not None:
        label = spec.label_for(value)
    else:
        label = str(value)
    return FacetBucket(value=value, label=label, count=int(row["count"]))


def _facets_from_postgres(result: PgNaicsResult) -> dict[str, list[FacetBucket]]:
    return {
        spec.name: [_bucket(spec, row) for row in result.facets.get(spec.name, [])] for spec in NAICS_FACETS
    }


async def search(
    client: AsyncOpenSearch,
    session: AsyncSession,
    *,
    index_prefix: str,
    q: str | None,
    sector: Sequence[str] | None = None,
    category: Sequence[str] | None = None,
    level: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    classifier: Classifier | None = None,
) -> NaicsSearchResponse:
    """Tiered search; a blank query lists every code in code order (score 0, "browse").

    With a trained classifier, the first RERANK_WINDOW hits are ordered inside their tiers by
    the learned signal, and a first page the tiers cannot fill is topped up with the
    classifier's likeliest codes (services.naics_classifier).
    """
    q = check_query(q)
    limit, offset = page(limit, offset, MAX_SEARCH_LIMIT)
    browse = not q.strip()
    filters = NaicsFilterValues(sector_values(sector), clean_values(category), level_values(level))
    engine_filters: dict[str, Any] = {
        "sector": list(filters.sectors),
        "category": list(filters.categories),
        "level": list(filters.levels),
    }
    model = await classifier.current() if classifier is not None and not browse else None
    # Pages that overlap the reranked window are cut from it: fetched from 0, then sliced.
    windowed = model is not None and offset < RERANK_WINDOW
    spans = _spans(offset, limit) if windowed else [(offset, limit)]
    engine = ENGINE_OPENSEARCH
    items: list[NaicsItem] = []
    coverage: dict[str, int] = {}
    try:
        for i, (span_offset, span_limit) in enumerate(spans):
            if browse:
                body = build_naics_browse(engine_filters, limit=span_limit, offset=span_offset)
            else:
                body = build_naics_search(q, engine_filters, limit=span_limit, offset=span_offset)
            response = await client.search(index=alias_name("naics", index_prefix), body=body)
            parsed = parse_naics_browse_response(response) if browse else parse_naics_response(response)
            found, found_total = _from_engine(parsed)
            items += found
            coverage |= {hit.code: hit.coverage for hit in parsed.items}
            if i == 0:
                total, facets = found_total, parsed.facets
    except Exception as exc:
        if not engine_unavailable(exc):
            raise
        log.warning("NAICS search answered by PostgreSQL: search engine unavailable (%s)", exc)
        engine, items = ENGINE_POSTGRES, []
        for i, (span_offset, span_limit) in enumerate(spans):
            pg = await search_naics(
                session, prepare_query(q), filters, limit=span_limit, offset=span_offset, browse=browse
            )
            items += _from_postgres(pg)
            if i == 0:
                total, facets = pg.total, _facets_from_postgres(pg)
    if windowed and model is not None:
        items = order_within_tiers(
            model,
            q,
            items,
            code=lambda it: it.code,
            score=lambda it: it.score,
            coverage=lambda it: coverage.get(it.code, 0),
        )[offset : offset + limit]
        if offset == 0 and len(items) < limit:
            filled = learned_fill(
                model,
                prepare_query(q),
                {it.code for it in items},
                limit - len(items),
                sectors=filters.sectors,
                levels=filters.levels,
                categories=filters.categories,
            )
            items += [_item(f, int(f["score"]), str(f["match_type"])) for f in filled]
            total += len(filled)
    return NaicsSearchResponse(items=items, total=total, facets=facets, engine=engine)


def _spans(offset: int, limit: int) -> list[tuple[int, int]]:
    """(offset, limit) requests covering the reranked window and the asked page."""
    end = max(offset + limit, RERANK_WINDOW)
    spans = [(0, min(end, MAX_SEARCH_LIMIT))]
    if end > MAX_SEARCH_LIMIT:
        spans.append((MAX_SEARCH_LIMIT, end - MAX_SEARCH_LIMIT))
    return spans


async def autocomplete(
    client: AsyncOpenSearch,
    sessions: async_sessionmaker[AsyncSession],
    *,
    index_prefix: str,
    q: str | None,
    limit: int = 8,
    typeahead: Typeahead | None = None,
    classifier: Classifier | None = None,
) -> NaicsAutocompleteResponse:
    """The best few codes for what has been typed so far; nothing for a blank query.

    Per keystroke, only the cheap tiers run: in memory when the process has the catalogue
    (``engine`` "memory"), else on the engine. The broad ones (typos, some words) cost
    several times more and only run, on the engine, when the cheap ones find nothing, so
    ``total`` counts the matches of the tiers searched. Either way the items are what a full
    search lists first: broad tiers rank below every other. With a trained classifier the
    first MAX_AUTOCOMPLETE_LIMIT matches are ordered inside their tiers by the learned signal,
    and a short list is topped up with the classifier's likeliest codes.
    """
    q = check_query(q)
    limit, _ = page(limit, 0, MAX_AUTOCOMPLETE_LIMIT)
    prepared = prepare_query(q)
    if prepared.is_empty:
        return NaicsAutocompleteResponse(items=[], total=0, engine=ENGINE_OPENSEARCH)
    model = await classifier.current() if classifier is not None else None
    window = MAX_AUTOCOMPLETE_LIMIT if model is not None else limit
    response = await _autocomplete_matches(client, sessions, index_prefix, q, prepared, window, typeahead)
    if model is None:
        return response
    items = order_within_tiers(model, q, response.items, code=lambda it: it.code, score=lambda it: it.score)
    items = items[:limit]
    total = response.total
    if len(items) < limit:
        filled = learned_fill(model, prepared, {it.code for it in items}, limit - len(items))
        items += [_item(f, int(f["score"]), str(f["match_type"])) for f in filled]
        total += len(filled)
    return NaicsAutocompleteResponse(items=items, total=total, engine=response.engine)


async def _autocomplete_matches(
    client: AsyncOpenSearch,
    sessions: async_sessionmaker[AsyncSession],
    index_prefix: str,
    q: str,
    prepared: PreparedQuery,
    limit: int,
    typeahead: Typeahead | None,
) -> NaicsAutocompleteResponse:
    """The rule tiers' first ``limit`` matches, from memory, the engine or PostgreSQL."""
    attempts: tuple[bool, ...] = (False, True)
    index = await typeahead.index() if typeahead is not None else None
    if index is not None:
        found = index.search(prepared, limit)
        if found.items:
            # The index holds exactly the item's other fields, already typed.
            items = [
                NaicsItem(**hit.fields, score=hit.tier.score, match_type=hit.tier.name) for hit in found.items
            ]
            return NaicsAutocompleteResponse(items=items, total=found.total, engine=ENGINE_MEMORY)
        attempts = (True,)  # the cheap tiers are known to be empty
    alias = alias_name("naics", index_prefix)
    try:
        for broad in attempts:
            body = build_naics_autocomplete(q, limit=limit, broad=broad)
            items, total = _from_engine(parse_naics_response(await client.search(index=alias, body=body)))
            if items:
                break
    except Exception as exc:
        if not engine_unavailable(exc):
            raise
        log.warning("NAICS autocomplete answered by PostgreSQL: search engine unavailable (%s)", exc)
        # A session only now: most keystrokes never need PostgreSQL, and a per-request
        # session (created, committed, closed) cost more than the in-memory search itself.
        async with sessions() as session:
            for broad in attempts:
                pg = await search_naics(
                    session,
                    prepared,
                    NaicsFilterValues(),
                    limit=limit,
                    offset=0,
                    with_facets=False,
                    broad=broad,
                )
                if pg.items:
                    break
        return NaicsAutocompleteResponse(items=_from_postgres(pg), total=pg.total, engine=ENGINE_POSTGRES)
    return NaicsAutocompleteResponse(items=items, total=total, engine=ENGINE_OPENSEARCH)
