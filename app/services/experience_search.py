"""Experience search: OpenSearch first, PostgreSQL when the engine is gone.

Whichever back end ranks the hits, the items are read from PostgreSQL by id, so a deleted
or changed experience never shows stale data: hits whose row is gone or whose owner is
inactive are dropped (and not counted).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncSession

from app.experiences.types import ExperienceCategory, ExperienceType
from app.repositories.experience_search_pg import (
    ExperienceFilterValues,
    PgExperienceResult,
    search_experiences,
)
from app.repositories.search_sources import experience_rows
from app.search.definitions import alias_name
from app.search.experience_query import EXPERIENCE_FACETS, build_experience_search, parse_experience_response
from app.search.facets import FacetBucket
from app.search.text import prepare_query
from app.services.naics_search import ENGINE_OPENSEARCH, ENGINE_POSTGRES
from app.services.search_fallback import engine_unavailable
from app.services.search_input import (
    MAX_SEARCH_LIMIT,
    category_values,
    check_query,
    naics_code_values,
    page,
    sector_values,
)

log = logging.getLogger(__name__)


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
    total: int
    facets: dict[str, list[FacetBucket]]
    engine: str


def _day(value: datetime | date | None) -> date | None:
    # Stored as midnight timestamps; an experience's dates are days (as in the experience API).
    return value.date() if isinstance(value, datetime) else value


def _item(row: dict[str, Any]) -> ExperienceItem:
    return ExperienceItem(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        organization=row["organization"],
        location=row["location"],
        experience_type=row["experience_type"],
        category=row["category"],
        start_date=_day(row["start_date"]),
        end_date=_day(row["end_date"]),
        is_current=bool(row["is_current"]),
        tags=[str(t) for t in row["tags"] or []],
        naics_code=row["naics_code"],
        naics_title=row["naics_title"],
        sector=row["sector"],
        sector_title=row["sector_title"],
        username=row["username"],
    )


def _facets_from_postgres(result: PgExperienceResult) -> dict[str, list[FacetBucket]]:
    out: dict[str, list[FacetBucket]] = {}
    for spec in EXPERIENCE_FACETS:
        buckets = []
        for row in result.facets.get(spec.name, []):
            value = str(row["value"])
            if row.get("label"):
                label = str(row["label"])
            elif spec.label_for is not None:
                label = spec.label_for(value)
            else:
                label = value
            buckets.append(FacetBucket(value=value, label=label, count=int(row["count"])))
        out[spec.name] = buckets
    return out


async def _hydrate(session: AsyncSession, ids: list[str]) -> tuple[list[ExperienceItem], int]:
    """Current rows for the hit ids, in hit order; returns (items, how many hits were dropped)."""
    rows = {row["id"]: row for row in await experience_rows(session, ids)}
    items = [_item(rows[i]) for i in ids if i in rows and rows[i]["owner_active"]]
    return items, len(ids) - len(items)


async def search(
    client: AsyncOpenSearch,
    session: AsyncSession,
    *,
    index_prefix: str,
    q: str | None,
    category: Sequence[str] | None = None,
    experience_type: Sequence[str] | None = None,
    sector: Sequence[str] | None = None,
    naics_code: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ExperienceSearchResponse:
    q = check_query(q)
    limit, offset = page(limit, offset, MAX_SEARCH_LIMIT)
    filters = ExperienceFilterValues(
        category_values("category", category, ExperienceCategory),
        category_values("experience_type", experience_type, ExperienceType),
        sector_values(sector),
        naics_code_values(naics_code),
    )
    engine_filters: dict[str, Any] = {
        "category": list(filters.categories),
        "experience_type": list(filters.experience_types),
        "sector": list(filters.sectors),
        "naics_code": list(filters.naics_codes),
    }
    body = build_experience_search(q, engine_filters, limit=limit, offset=offset)
    try:
        response = await client.search(index=alias_name("experiences", index_prefix), body=body)
    except Exception as exc:
        if not engine_unavailable(exc):
            raise
        log.warning("experience search answered by PostgreSQL: search engine unavailable (%s)", exc)
        pg = await search_experiences(session, prepare_query(q), filters, limit=limit, offset=offset)
        items, dropped = await _hydrate(session, pg.ids)
        return ExperienceSearchResponse(
            items=items, total=pg.total - dropped, facets=_facets_from_postgres(pg), engine=ENGINE_POSTGRES
        )
    parsed = parse_experience_response(response)
    items, dropped = await _hydrate(session, [hit.id for hit in parsed.items])
    return ExperienceSearchResponse(
        items=items, total=max(parsed.total - dropped, 0), facets=parsed.facets, engine=ENGINE_OPENSEARCH
    )
