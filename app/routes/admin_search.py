"""Admin view of search sync: is the index in step with PostgreSQL, and how far behind."""

from __future__ import annotations

from litestar import get
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from app.services.search_fallback import KindStatus
from app.services.search_status import SearchStatus, indexer_status


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
async def search_status(state: State, db_session: AsyncSession, admin_user: User) -> SearchStatus:
    return await indexer_status(db_session, state.search, state.settings.index_prefix)


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
async def search_hedging(state: State, admin_user: User) -> list[KindStatus]:
    return state.hedge.status()
