"""The paging query parameters every list and search endpoint shares.

Only documented here: the services check them with app.limits.check_page, so a value
out of range gets the same 422 on every endpoint (and from any caller, not only HTTP).
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from app.limits import MAX_AUTOCOMPLETE_LIMIT, MAX_PAGE_SIZE, MAX_WINDOW

Limit = Annotated[int, Parameter(description=f"Page size, 1 to {MAX_PAGE_SIZE}; more is a 422.")]
AutocompleteLimit = Annotated[
    int, Parameter(description=f"Suggestions, 1 to {MAX_AUTOCOMPLETE_LIMIT}; more is a 422.")
]
Offset = Annotated[int, Parameter(description=f"Items to skip; offset + limit <= {MAX_WINDOW}.")]
