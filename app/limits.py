"""Every paging, facet and query-size limit of the API, in one place (docs/limits.md).

Each endpoint answers a value beyond its limit the same way: a 422 naming the parameter
(``check_page``), never a silent cap, so a client learns the limit instead of getting
fewer items than it asked for without knowing why.
"""

from __future__ import annotations

from typing import Final

from app.validation import FieldError

# Largest page of any list or search (/naics, /naics/search, /experiences/search, a user's
# experiences, /naics/suggestions).
MAX_PAGE_SIZE: Final = 100
# Largest autocomplete answer: it runs per keystroke and a picker shows a handful.
MAX_AUTOCOMPLETE_LIMIT: Final = 20
# Deepest item a page may reach (offset + limit). OpenSearch refuses from + size beyond
# index.max_result_window (10 000 by default); the PostgreSQL lists and the search fallback keep
# the same window, so paging never depends on which back end answered.
MAX_WINDOW: Final = 10_000
# Longest search query accepted (characters); longer input is a 422, not a truncation.
MAX_QUERY_LENGTH: Final = 200
# Facet buckets per facet, on the engine and in the PostgreSQL fallback alike. Most facets
# have a handful of values (20 sectors, 14 categories, 4 levels).
FACET_SIZE: Final = 50
# Experiences' naics_code facet is the long one; only its top values are useful.
NAICS_CODE_FACET_SIZE: Final = 20
# A filter naming more values than this is not a human choice; refuse it rather than send a
# huge terms query.
MAX_FILTER_VALUES: Final = 100


def check_page(limit: int, offset: int, max_limit: int = MAX_PAGE_SIZE) -> None:
    """The one page validator: 1 <= limit <= max_limit, 0 <= offset, offset + limit <= MAX_WINDOW.

    Raises FieldError naming `limit` or `offset` (a 422 through app/errors.py).
    """
    if not 1 <= limit <= max_limit:
        raise FieldError("limit", f"must be between 1 and {max_limit} (got {limit})")
    if offset < 0:
        raise FieldError("offset", f"must be at least 0 (got {offset})")
    if offset + limit > MAX_WINDOW:
        raise FieldError("offset", f"offset + limit must be at most {MAX_WINDOW} (got {offset + limit})")
