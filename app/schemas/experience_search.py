"""Response shapes of /api/v1/experiences/search."""

from __future__ import annotations

from datetime import date

import msgspec

from app.search.experience_query import TOTAL_EXACT
from app.search.facets import FacetBucket


class ExperienceItem(msgspec.Struct, frozen=True):
    id: str
    title: str
    description: str | None
    organization: str | None
    location: str | None
    experience_type: str
    category: str
    start_date: date | None
    end_date: date | None
    is_current: bool
    tags: list[str]
    naics_code: str
    naics_title: str | None
    sector: str | None
    sector_title: str | None
    username: str


class ExperienceSearchResponse(msgspec.Struct, frozen=True):
    items: list[ExperienceItem]
    # Exact when total_relation is "eq"; a lower bound ("gte") past TRACK_TOTAL_HITS.
    total: int
    # Empty when the request said facets=false.
    facets: dict[str, list[FacetBucket]]
    engine: str
    total_relation: str = TOTAL_EXACT
