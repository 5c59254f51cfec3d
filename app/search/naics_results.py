"""NAICS search responses: engine hits read back as tiers, with the total and facets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from app.search.facets import NAICS_FACETS, FacetBucket, parse_facets, parse_total
from app.search.tiers import BROWSE, TIER_WEIGHT, Tier, tier_for_engine_score


class NaicsHit(msgspec.Struct, frozen=True):
    code: str
    title: str
    score: int
    match_type: str
    source: dict[str, Any]
    # What ordered the hit inside its tier: the engine score above the tier's base
    # (coverage * COVERAGE_WEIGHT + BM25). Shown by explain=true.
    relevance: float = 0.0


class NaicsSearchResult(msgspec.Struct, frozen=True):
    total: int
    items: list[NaicsHit]
    facets: dict[str, list[FacetBucket]]


def _hit_score(hit: Mapping[str, Any]) -> float:
    # With an explicit sort the score is the first sort value; _score may be null.
    sort = hit.get("sort")
    if sort:
        return float(sort[0])
    return float(hit.get("_score") or 0.0)


def parse_naics_response(response: Mapping[str, Any], *, browse: bool = False) -> NaicsSearchResult:
    """Hits with their tier as ``score``/``match_type``, total and facets.

    browse: the body listed codes in code order (build_naics_browse), so every hit is in
    the BROWSE pseudo-tier; otherwise the tier is read back from the engine score.
    """
    items: list[NaicsHit] = []
    hits = response.get("hits", {})
    for hit in hits.get("hits", []):
        engine_score = 0.0 if browse else _hit_score(hit)
        tier: Tier | None = BROWSE if browse else tier_for_engine_score(engine_score)
        if tier is None:
            # Cannot happen with bodies from build_naics_search (every hit matched a
            # tier); skip rather than invent a score.
            continue
        source = dict(hit.get("_source") or {})
        items.append(
            NaicsHit(
                code=str(source.get("code", hit.get("_id"))),
                title=str(source.get("title", "")),
                score=tier.score,
                match_type=tier.name,
                source=source,
                relevance=0.0 if browse else round(engine_score - tier.score * TIER_WEIGHT, 4),
            )
        )
    return NaicsSearchResult(
        total=parse_total(hits), items=items, facets=parse_facets(NAICS_FACETS, response.get("aggregations"))
    )
