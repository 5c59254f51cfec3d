"""HTTP for search: /api/v1/naics/search, /api/v1/naics/autocomplete, /api/v1/experiences/search.

Filters may repeat (``?sector=54&sector=62``): values of one filter are ORed, different
filters ANDed. An unknown filter value is a 422 naming the parameter and the values it accepts.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.limits import MAX_QUERY_LENGTH
from app.rate_limits import RATE_LIMITED_SEARCH
from app.routes.paging import AutocompleteLimit, Limit, Offset
from app.search.explain import WITHIN_TIER_SIGNAL
from app.services import experience_search, naics_search
from app.services.experience_search import ExperienceSearchResponse
from app.services.naics_search import NaicsAutocompleteResponse, NaicsSearchResponse

Query = Annotated[
    str | None,
    Parameter(
        description=f"What the user typed (at most {MAX_QUERY_LENGTH} characters); "
        "the last word may be partial. Blank lists everything."
    ),
]
Filter = Annotated[list[str] | None, Parameter(description="Repeat to choose several values.")]
ExplainFlag = Annotated[
    bool,
    Parameter(
        description="Add `explain` to each item: tier, field, matched words, corrections, foldings, "
        "and the signals that ordered it inside its tier."
    ),
]


class NaicsSearchController(Controller):
    path = "/api/v1/naics"
    tags = ["search"]

    @get("/search", summary="Tiered NAICS search with facets", cache=False, opt=RATE_LIMITED_SEARCH)
    async def search(
        self,
        state: State,
        q: Query = None,
        sector: Annotated[
            list[str] | None, Parameter(description="Sector code; 31, 33 and 31-33 alike.")
        ] = None,
        category: Filter = None,
        level: Annotated[list[str] | None, Parameter(description="Digits of the code (2-6).")] = None,
        limit: Limit = 20,
        offset: Offset = 0,
        explain: ExplainFlag = False,
    ) -> NaicsSearchResponse:
        return await naics_search.search(
            state.search,
            state.sessions,
            state.hedge,
            index_prefix=state.settings.index_prefix,
            q=q,
            sector=sector,
            category=category,
            level=level,
            limit=limit,
            offset=offset,
            typeahead=state.typeahead,
            explain=explain,
            within_tier_signal=state.get(WITHIN_TIER_SIGNAL),
        )

    @get(
        "/autocomplete",
        summary="NAICS suggestions while typing",
        # No response cache: the in-memory index answers faster than a cache lookup and
        # store cost on a miss, and is never older than TYPEAHEAD_REFRESH_SECONDS.
        cache=False,
        opt=RATE_LIMITED_SEARCH,
    )
    async def autocomplete(
        self,
        request: Request[Any, Any, Any],
        q: Query = None,
        limit: AutocompleteLimit = 8,
        explain: ExplainFlag = False,
    ) -> NaicsAutocompleteResponse:
        # The app's own state, not an injected `State` (a copy made per request): this runs
        # on every keystroke.
        state = request.app.state
        return await naics_search.autocomplete(
            state.search,
            state.sessions,
            state.hedge,
            index_prefix=state.settings.index_prefix,
            q=q,
            limit=limit,
            typeahead=state.typeahead,
            explain=explain,
            within_tier_signal=state.get(WITHIN_TIER_SIGNAL),
        )


class ExperienceSearchController(Controller):
    path = "/api/v1/experiences"
    tags = ["search"]

    @get("/search", summary="Full-text experience search with facets", cache=False, opt=RATE_LIMITED_SEARCH)
    async def search(
        self,
        state: State,
        db_session: AsyncSession,
        q: Query = None,
        category: Filter = None,
        experience_type: Filter = None,
        sector: Annotated[
            list[str] | None, Parameter(description="Sector code; 31, 33 and 31-33 alike.")
        ] = None,
        naics_code: Filter = None,
        limit: Limit = 20,
        offset: Offset = 0,
        facets: Annotated[
            bool,
            Parameter(
                description="Compute facet counts (the costliest part); false for a next page "
                "or a client without chips, which then gets `facets: {}`."
            ),
        ] = True,
    ) -> ExperienceSearchResponse:
        return await experience_search.search(
            state.search,
            db_session,
            sessions=state.sessions,
            hedge=state.hedge,
            facet_cache=state.facet_cache,
            index_prefix=state.settings.index_prefix,
            q=q,
            category=category,
            experience_type=experience_type,
            sector=sector,
            naics_code=naics_code,
            limit=limit,
            offset=offset,
            facets=facets,
        )


SEARCH_ROUTES: list[Any] = [NaicsSearchController, ExperienceSearchController]
