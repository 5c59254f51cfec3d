"""HTTP for search: /api/v1/naics/search, /api/v1/naics/autocomplete, /api/v1/experiences/search.

Filters may repeat (``?sector=54&sector=62``): values of one filter are ORed, different
filters ANDed. Unknown filter values match nothing; they are not errors.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import ValidationException
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import validation_field
from app.services import experience_search, naics_classifier, naics_search
from app.services.experience_search import ExperienceSearchResponse
from app.services.naics_classifier import ClassifyResponse
from app.services.naics_search import NaicsAutocompleteResponse, NaicsSearchResponse
from app.services.search_input import (
    MAX_AUTOCOMPLETE_LIMIT,
    MAX_QUERY_LENGTH,
    MAX_SEARCH_LIMIT,
    MAX_WINDOW,
    InvalidSearchInput,
)

Query = Annotated[
    str | None,
    Parameter(
        description=f"What the user typed (at most {MAX_QUERY_LENGTH} characters); "
        "the last word may be partial. Blank lists everything."
    ),
]
Filter = Annotated[list[str] | None, Parameter(description="Repeat to choose several values.")]
SearchLimit = Annotated[int, Parameter(description=f"Page size, capped at {MAX_SEARCH_LIMIT}.")]
Offset = Annotated[int, Parameter(description=f"Items to skip; offset + limit <= {MAX_WINDOW}.")]
ExplainFlag = Annotated[
    bool,
    Parameter(
        description="Add `explain` to each item: tier, field, matched words, corrections, foldings, "
        "and the signals that ordered it inside its tier."
    ),
]


def _unprocessable(field: str | None, detail: str, extra: Any = None) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"status_code": 422, "detail": detail}
    if field:
        body["field"] = field
    if extra:
        body["extra"] = extra
    return Response(body, status_code=422, media_type=MediaType.JSON)


def invalid_input_422(request: Request, exc: InvalidSearchInput) -> Response[dict[str, Any]]:
    return _unprocessable(exc.field, exc.message)


def validation_422(request: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    # e.g. limit=abc: malformed input is a 422 across this API and names the field.
    extra = exc.extra if isinstance(exc.extra, list) else []
    field = validation_field(exc)
    return _unprocessable(field, str(exc.detail), extra)


class ClassifyRequest(msgspec.Struct, forbid_unknown_fields=True):
    # Blank and oversized text are refused by the service (422 naming "text").
    text: str


_HANDLERS: dict[Any, Any] = {InvalidSearchInput: invalid_input_422, ValidationException: validation_422}


class NaicsSearchController(Controller):
    path = "/api/v1/naics"
    tags = ["search"]
    exception_handlers = _HANDLERS

    @get("/search", summary="Tiered NAICS search with facets", cache=False)
    async def search(
        self,
        state: State,
        db_session: AsyncSession,
        q: Query = None,
        sector: Annotated[
            list[str] | None, Parameter(description="Sector code; 31, 33 and 31-33 alike.")
        ] = None,
        category: Filter = None,
        level: Annotated[list[str] | None, Parameter(description="Digits of the code (2-6).")] = None,
        limit: SearchLimit = 20,
        offset: Offset = 0,
        explain: ExplainFlag = False,
    ) -> NaicsSearchResponse:
        return await naics_search.search(
            state.search,
            db_session,
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

    @post("/classify", summary="The 5 likeliest 6-digit codes for free text", status_code=200)
    async def classify(self, state: State, data: ClassifyRequest) -> ClassifyResponse:
        return await naics_classifier.classify(state.classifier, data.text)

    @get(
        "/autocomplete",
        summary="NAICS suggestions while typing",
        # No response cache: the in-memory index answers faster than a cache lookup and
        # store cost on a miss, and is never older than TYPEAHEAD_REFRESH_SECONDS.
        cache=False,
    )
    async def autocomplete(
        self,
        request: Request[Any, Any, Any],
        q: Query = None,
        limit: Annotated[int, Parameter(description=f"Capped at {MAX_AUTOCOMPLETE_LIMIT}.")] = 8,
        explain: ExplainFlag = False,
    ) -> NaicsAutocompleteResponse:
        # The app's own state, not an injected `State` (a copy made per request): this runs
        # on every keystroke.
        state = request.app.state
        return await naics_search.autocomplete(
            state.search,
            state.sessions,
            index_prefix=state.settings.index_prefix,
            q=q,
            limit=limit,
            typeahead=state.typeahead,
            explain=explain,
            classifier=state.classifier,
        )


class ExperienceSearchController(Controller):
    path = "/api/v1/experiences"
    tags = ["search"]
    exception_handlers = _HANDLERS

    @get("/search", summary="Full-text experience search with facets", cache=False)
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
        limit: SearchLimit = 20,
        offset: Offset = 0,
    ) -> ExperienceSearchResponse:
        return await experience_search.search(
            state.search,
            db_session,
            index_prefix=state.settings.index_prefix,
            q=q,
            category=category,
            experience_type=experience_type,
            sector=sector,
            naics_code=naics_code,
            limit=limit,
            offset=offset,
        )


SEARCH_ROUTES: list[Any] = [NaicsSearchController, ExperienceSearchController]
