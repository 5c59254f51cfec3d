"""Rules for search input shared by NAICS and experience search: query length, paging, filters."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from app.naics.codes import InvalidNaicsCode, canonical_code

MAX_QUERY_LENGTH = 200
MAX_SEARCH_LIMIT = 100
MAX_AUTOCOMPLETE_LIMIT = 20
# OpenSearch refuses from + size beyond index.max_result_window (10 000 by default); the
# fallback keeps the same window so paging never depends on which engine answered.
MAX_WINDOW = 10_000


class InvalidSearchInput(ValueError):
    """A search parameter the service refuses; `field` names the query parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_query(q: str | None) -> str:
    q = q or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidSearchInput("q", f"q must be at most {MAX_QUERY_LENGTH} characters (got {len(q)})")
    return q


def page(limit: int, offset: int, max_limit: int) -> tuple[int, int]:
    """(limit, offset) with limit capped at max_limit; nonsense and deep pages are refused."""
    if limit < 1:
        raise InvalidSearchInput("limit", "limit must be at least 1")
    if offset < 0:
        raise InvalidSearchInput("offset", "offset must be at least 0")
    limit = min(limit, max_limit)
    if offset + limit > MAX_WINDOW:
        raise InvalidSearchInput("offset", f"offset + limit must be at most {MAX_WINDOW}")
    return limit, offset


def clean_values(values: Iterable[str] | None) -> list[str]:
    """Filter values stripped, blanks dropped, duplicates removed, order kept."""
    out: list[str] = []
    for value in values or ():
        value = value.strip()
        if value and value not in out:
            out.append(value)
    return out


def sector_values(values: Iterable[str] | None) -> list[str]:
    """Sector filters as stored: "31", "32", "33" and "31-33" all mean row "31".

    A value that is no sector code stays as given: it matches nothing, like any unknown value.
    """
    out: list[str] = []
    for value in clean_values(values):
        with contextlib.suppress(InvalidNaicsCode):
            value = canonical_code(value)
        if value not in out:
            out.append(value)
    return out


def level_values(values: Iterable[str] | None) -> list[int]:
    """Level filters as integers; a value that is not a number becomes 0, which no code has."""
    out: list[int] = []
    for value in clean_values(values):
        level = int(value) if value.isascii() and value.isdigit() and len(value) < 3 else 0
        if level not in out:
            out.append(level)
    return out
