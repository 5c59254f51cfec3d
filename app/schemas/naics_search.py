"""Request and response shapes of the NAICS search endpoints: /api/v1/naics/search,
/autocomplete and /classify."""

from __future__ import annotations

import msgspec

from app.schemas.naics import NaicsSuggestion
from app.search.explain import Explain
from app.search.facets import FacetBucket


class SourceCode(msgspec.Struct, frozen=True):
    """The former (NAICS 2017) or foreign (SIC) code a hit answered."""

    scheme: str
    code: str


class NaicsItem(msgspec.Struct, frozen=True, omit_defaults=True):
    """One hit; `source_code` only on former_code and sic_code hits."""

    code: str
    # "31-33" where the catalogue stores the range under its first number ("31").
    display_code: str
    title: str
    level: int
    sector: str | None
    sector_title: str | None
    category: str
    score: int
    match_type: str
    source_code: SourceCode | None = None
    explain: Explain | None = None


class NaicsSearchResponse(msgspec.Struct, frozen=True):
    items: list[NaicsItem]
    total: int
    facets: dict[str, list[FacetBucket]]
    engine: str
    # Set when the items answer a spelling correction of q (did-you-mean).
    corrected_query: str | None = None


class NaicsAutocompleteResponse(msgspec.Struct, frozen=True):
    items: list[NaicsItem]
    total: int
    engine: str
    corrected_query: str | None = None


class ClassifyRequest(msgspec.Struct, forbid_unknown_fields=True):
    # Blank and oversized text are refused by the service (422 naming "text").
    text: str


class ClassifyResponse(msgspec.Struct, frozen=True):
    suggestions: list[NaicsSuggestion]
