"""Admin views of search: is the index in step with PostgreSQL (and how far behind), and what
users search for (insights)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from app.schemas.admin_search import KindStatus, SearchInsights, SearchStatus
from app.services.search_fallback import SearchBackends
from app.services.search_insights import MAX_INSIGHT_DAYS, MAX_INSIGHT_ITEMS, utc_today
from app.services.search_insights import search_insights as insights_report
from app.services.search_status import indexer_status


@get(
    "/api/v1/admin/search/status",
    summary="Search index status: documents, pending outbox rows, lag",
    description=(
        "Per index: documents in PostgreSQL and in the search engine, outbox rows not indexed yet "
        "and the age of the oldest. Administrators only."
    ),
    tags=["admin"],
    cache=False,
)
async def search_status(
    db_session: AsyncSession, search_backends: SearchBackends, admin_user: User
) -> SearchStatus:
    return await indexer_status(db_session, search_backends.client, search_backends.index_prefix)


@get(
    "/api/v1/admin/search/hedging",
    summary="Hedged search: learned latency, budget, breaker state and answers per back end",
    description=(
        "Per kind of search, in the API process that answers: whether the circuit breaker sends it "
        "straight to PostgreSQL, the current budget, each back end's smoothed latency and how many "
        "searches each back end answered since the process started. Administrators only."
    ),
    tags=["admin"],
    cache=False,
)
async def search_hedging(search_backends: SearchBackends, admin_user: User) -> list[KindStatus]:
    return search_backends.hedge.status()


@get(
    "/api/v1/admin/search/insights",
    summary="Search insights: most frequent, zero-result and abandoned NAICS queries, per day",
    description=(
        "Over the last `days` days (UTC, today included): the most frequent normalised queries, "
        "those that found nothing and those abandoned while typing, overall and per day. Only "
        "query text and counts are kept; see docs/search-insights.md for the definitions and the "
        "retention. Counts reach the database every SEARCH_INSIGHTS_FLUSH_SECONDS. "
        "Administrators only."
    ),
    tags=["admin"],
    cache=False,
)
async def search_insights(
    db_session: AsyncSession,
    admin_user: User,
    days: Annotated[int, Parameter(ge=1, le=MAX_INSIGHT_DAYS, description="Days back, today included.")] = 7,
    top: Annotated[int, Parameter(ge=1, le=MAX_INSIGHT_ITEMS, description="Queries per list.")] = 10,
) -> SearchInsights:
    return await insights_report(db_session, days=days, limit=top, today=utc_today())
