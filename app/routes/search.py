"""HTTP for search: /api/v1/naics/search, /api/v1/naics/autocomplete, /api/v1/experiences/search.

Filters may repeat (``?sector=54&sector=62``): values of one filter are ORed, different
filters ANDed. An unknown filter value is a 422 naming the parameter and the values it accepts.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.limits import MAX_QUERY_LENGTH
from app.metrics import SEARCH_ANSWERS
from app.rate_limits import RATE_LIMITED_SEARCH
from app.routes.paging import AutocompleteLimit, Limit, Offset
from app.schemas.experience_search import ExperienceSearchResponse
from app.schemas.naics_search import (
    ClassifyRequest,
    ClassifyResponse,
    NaicsAutocompleteResponse,
    NaicsSearchResponse,
)
from app.services import experience_search, naics_classifier, naics_search
from app.services.naics_search import ENGINE_MEMORY

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
        result = await naics_search.search(
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
            classifier=state.classifier,
        )
        SEARCH_ANSWERS.labels("naics_search", result.engine).inc()
        if offset == 0:  # later pages are the same query read further
            state.insights.searched(q, result.total)
        return result

    @post("/classify", summary="The 5 likeliest 6-digit codes for free text", status_code=200)
    async def classify(self, state: State, data: ClassifyRequest) -> ClassifyResponse:
        return await naics_classifier.classify(state.classifier, data.text)

    @get(
        "/autocomplete",
        summary="NAICS suggestions while typing",
        # Not Litestar's response cache: the process's own answer cache (app.state.typeahead)
        # is keyed by the normalised query and emptied with every catalogue change.
        cache=False,
        opt=RATE_LIMITED_SEARCH,
    )
    async def autocomplete(
        self,
        request: Request[Any, Any, Any],
        q: Query = None,
        limit: AutocompleteLimit = 8,
        explain: ExplainFlag = False,
    ) -> Response[NaicsAutocompleteResponse]:
        # The app's own state, not an injected `State` (a copy made per request): this runs
        # on every keystroke.
        state = request.app.state
        typeahead = state.typeahead
        # Case and spacing never change an answer; the cache empties when the catalogue does,
        # and the learned order inside tiers depends on the classifier the process holds.
        key = (" ".join(q.lower().split()) if q else "", limit, state.classifier.built_version)
        # explain=true answers are never cached: they carry per-request detail.
        cached = None if explain else typeahead.answer(key)
        if cached is not None:
            body, codes = cached
            SEARCH_ANSWERS.labels("naics_autocomplete", ENGINE_MEMORY).inc()
            state.insights.typed(q, codes)
            return Response(body, media_type=MediaType.JSON)
        result = await naics_search.autocomplete(
            state.search,
            state.sessions,
            state.hedge,
            index_prefix=state.settings.index_prefix,
            q=q,
            limit=limit,
            typeahead=typeahead,
            explain=explain,
            classifier=state.classifier,
        )
        SEARCH_ANSWERS.labels("naics_autocomplete", result.engine).inc()
        codes = [item.code for item in result.items]
        state.insights.typed(q, codes)
        if result.engine != ENGINE_MEMORY or explain:
            return Response(result)
        body = msgspec.json.encode(result)
        typeahead.remember(key, body, codes)
        return Response(body, media_type=MediaType.JSON)


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
        result = await experience_search.search(
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
        SEARCH_ANSWERS.labels("experience_search", result.engine).inc()
        return result


SEARCH_ROUTES: list[Any] = [NaicsSearchController, ExperienceSearchController]
