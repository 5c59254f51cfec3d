"""The paging query parameters every list and search endpoint shares.

The OpenAPI document shows their range; the services check it with app.limits.check_page, so
a value out of range gets the same 422 on every endpoint (and from any caller, not only HTTP).
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from app.limits import MAX_AUTOCOMPLETE_LIMIT, MAX_PAGE_SIZE, MAX_WINDOW


def _documented_range(minimum: int, maximum: int) -> dict[str, int]:
    # schema_extra only documents: validation is check_page's, one message for every caller.
    return {"minimum": minimum, "maximum": maximum}


Limit = Annotated[
    int,
    Parameter(
        description=f"Page size, 1 to {MAX_PAGE_SIZE}; more is a 422.",
        schema_extra=_documented_range(1, MAX_PAGE_SIZE),
    ),
]
AutocompleteLimit = Annotated[
    int,
    Parameter(
        description=f"Suggestions, 1 to {MAX_AUTOCOMPLETE_LIMIT}; more is a 422.",
        schema_extra=_documented_range(1, MAX_AUTOCOMPLETE_LIMIT),
    ),
]
Offset = Annotated[
    int,
    Parameter(
        description=f"Items to skip; offset + limit <= {MAX_WINDOW}.",
        schema_extra=_documented_range(0, MAX_WINDOW - 1),
    ),
]
