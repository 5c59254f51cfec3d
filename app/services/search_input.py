"""Rules for search input shared by NAICS and experience search: query length and filters
(paging: app/limits.py)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from app.limits import MAX_QUERY_LENGTH
from app.naics.codes import SECTOR_ALIASES, SECTORS, VALID_LEVELS, InvalidNaicsCode, canonical_code


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


def clean_values(values: Iterable[str] | None) -> list[str]:
    """Filter values stripped, blanks dropped, duplicates removed, order kept."""
    out: list[str] = []
    for value in values or ():
        value = value.strip()
        if value and value not in out:
            out.append(value)
    return out


def choices(field: str, values: Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    """Filter values that must each be one of `allowed`: an unknown one is refused, naming the
    parameter and what it accepts (the same answer as Litestar gives for an enum parameter)."""
    allowed = list(allowed)
    out = clean_values(values)
    for value in out:
        if value not in allowed:
            raise InvalidSearchInput(
                field, f"Invalid enum value {value[:50]!r}; allowed values: {', '.join(allowed)}"
            )
    return out


# What a sector filter accepts: the 20 canonical codes, their other 2-digit numbers and ranges.
SECTOR_CHOICES = sorted({*SECTORS, *SECTOR_ALIASES})


def sector_values(values: Iterable[str] | None) -> list[str]:
    """Sector filters as stored: "31", "32", "33" and "31-33" all mean row "31"."""
    out: list[str] = []
    for value in choices("sector", values, SECTOR_CHOICES):
        value = canonical_code(value)
        if value not in out:
            out.append(value)
    return out


def level_values(values: Iterable[str] | None) -> list[int]:
    """Level filters as integers (2, 3, 4 or 6 digits)."""
    return sorted({int(v) for v in choices("level", values, [str(level) for level in VALID_LEVELS])})


def category_values(field: str, values: Iterable[str] | None, allowed: type[StrEnum]) -> list[str]:
    return choices(field, values, [member.value for member in allowed])


def naics_code_values(values: Iterable[str] | None) -> list[str]:
    """NAICS code filters; a value that is no NAICS code at all is refused (an unknown valid one
    simply matches nothing: there are too many codes to list)."""
    out: list[str] = []
    for value in clean_values(values):
        try:
            canonical_code(value)
        except InvalidNaicsCode as exc:
            raise InvalidSearchInput("naics_code", f"{value[:50]!r} is not a NAICS code: {exc}") from None
        out.append(value)
    return out
