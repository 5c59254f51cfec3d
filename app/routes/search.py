"""HTTP for search: /api/v1/naics/search, /api/v1/naics/autocomplete, /api/v1/experiences/search.

Filters may repeat (``?sector=54&sector=62``): values of one filter are ORed, different
filters ANDed. An unknown filter value is a 422 naming the parameter and the values it accepts.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Response, get, post
from litestar.params import Parameter

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
from app.services.experience_search import ExperienceQuery, ExperienceSearch
from app.services.naics_classifier import Classifier, classify
from app.services.naics_search import ENGINE_MEMORY, NaicsQuery, NaicsSearch

Query = Annotated[
    str | None,
    Parameter(
        description=f"What the user typed (at most {MAX_QUERY_LENGTH} characters); "
        "the last word may be partial. Blank lists everything."
    ),
]
Filter = Annotated[list[str] | None, Parameter(description="Repeat to choose several values.")]
SectorFilter = Annotated[list[str] | None, Parameter(description="Sector code; 31, 33 and 31-33 alike.")]
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
        naics_search: NaicsSearch,
        q: Query = None,
        sector: SectorFilter = None,
        category: Filter = None,
        level: Annotated[list[str] | None, Parameter(description="Digits of the code (2-6).")] = None,
        limit: Limit = 20,
        offset: Offset = 0,
        explain: ExplainFlag = False,
    ) -> NaicsSearchResponse:
        query = NaicsQuery(q, sector, category, level, limit, offset)
        result = await naics_search.search(query, explain=explain)
        SEARCH_ANSWERS.labels("naics_search", result.engine).inc()
        return result

    @post("/classify", summary="The 5 likeliest 6-digit codes for free text", status_code=200)
    async def classify(self, classifier: Classifier, data: ClassifyRequest) -> ClassifyResponse:
        return await classify(classifier, data.text)

    @get(
        "/autocomplete",
        summary="NAICS suggestions while typing",
        # Not Litestar's response cache: the process's own answer cache (NaicsSearch.cached_answer)
        # is keyed by the normalised query and emptied with every catalogue change.
        cache=False,
        opt=RATE_LIMITED_SEARCH,
    )
    async def autocomplete(
        self,
        naics_search: NaicsSearch,
        q: Query = None,
        limit: AutocompleteLimit = 8,
        explain: ExplainFlag = False,
    ) -> Response[NaicsAutocompleteResponse]:
        # explain=true answers are never cached: they carry per-request detail.
        body = None if explain else naics_search.cached_answer(q, limit)
        if body is not None:
            SEARCH_ANSWERS.labels("naics_autocomplete", ENGINE_MEMORY).inc()
            return Response(body, media_type=MediaType.JSON)
        result = await naics_search.autocomplete(q, limit, explain=explain)
        SEARCH_ANSWERS.labels("naics_autocomplete", result.engine).inc()
        if result.engine != ENGINE_MEMORY or explain:
            return Response(result)
        body = msgspec.json.encode(result)
        naics_search.remember_answer(q, limit, body, [item.code for item in result.items])
        return Response(body, media_type=MediaType.JSON)


class ExperienceSearchController(Controller):
    path = "/api/v1/experiences"
    tags = ["search"]

    @get("/search", summary="Full-text experience search with facets", cache=False, opt=RATE_LIMITED_SEARCH)
    async def search(
        self,
        experience_search: ExperienceSearch,
        q: Query = None,
        category: Filter = None,
        experience_type: Filter = None,
        sector: SectorFilter = None,
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
        query = ExperienceQuery(q, category, experience_type, sector, naics_code, limit, offset, facets)
        result = await experience_search.search(query)
        SEARCH_ANSWERS.labels("experience_search", result.engine).inc()
        return result


SEARCH_ROUTES: list[Any] = [NaicsSearchController, ExperienceSearchController]
