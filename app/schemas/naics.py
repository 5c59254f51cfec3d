"""Request and response shapes of /api/v1/naics (msgspec, documented in OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Self

import msgspec
from msgspec import UNSET, Meta, UnsetType

from app.models import NaicsCode
from app.naics.codes import display_code, level_name

Label = Annotated[str, Meta(min_length=1, max_length=100)]


class CatalogueRow(msgspec.Struct):
    """A response shape of one catalogue row: each field is the column of the same name, except
    the ones only shown (how a code is displayed, a level's name), computed here for all."""

    @classmethod
    def of(cls, row: NaicsCode) -> Self:
        shown: dict[str, object] = {
            "display_code": display_code(row.code),
            "level_name": level_name(row.level),
            "sector_display": display_code(row.sector) if row.sector else None,
        }
        return cls(
            **{name: shown[name] if name in shown else getattr(row, name) for name in cls.__struct_fields__}
        )


class NaicsSummary(CatalogueRow):
    code: str
    display_code: str
    title: str
    level: int
    level_name: str
    parent_code: str | None
    sector: str | None
    category: str
    is_active: bool


class NaicsDetail(CatalogueRow):
    code: str
    display_code: str
    title: str
    description: str | None
    level: int
    level_name: str
    parent_code: str | None
    sector: str | None
    sector_display: str | None
    subsector: str | None
    industry_group: str | None
    industry_detail: str | None
    category: str
    custom_category: str | None
    keywords: list[str]
    aliases: list[str]
    examples: str | None
    cross_references: list[str]
    # What this 2022 code came from: NAICS 2017 codes (Census concordance) and SIC codes.
    naics_2017_codes: list[str]
    sic_codes: list[str]
    tags: list[str]
    sba_size_standard: str | None
    is_active: bool
    year: int
    data_source: str | None


class NaicsAdminDetail(NaicsDetail):
    """What an administrator sees: the public detail plus the internal notes."""

    admin_notes: str | None = None


class NaicsPage(msgspec.Struct):
    items: list[NaicsSummary]
    total: int
    limit: int
    offset: int


class NaicsList(msgspec.Struct):
    items: list[NaicsSummary]
    total: int


class NaicsChildren(msgspec.Struct):
    code: str
    items: list[NaicsSummary]
    total: int


class SectorItem(CatalogueRow):
    code: str
    display_code: str
    title: str
    category: str
    is_active: bool


class LevelItem(msgspec.Struct):
    level: int
    name: str
    digits: int
    count: int


class CategoryItem(msgspec.Struct):
    category: str
    count: int


class CategorySummary(msgspec.Struct):
    total: int
    categories: list[CategoryItem]
    levels: list[LevelItem]


class CategoryCodes(msgspec.Struct):
    category: str
    items: list[NaicsSummary]
    total: int
    limit: int
    offset: int


class ValidateRequest(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, Meta(max_length=50)]


class ValidateResponse(msgspec.Struct):
    input: str
    valid: bool
    normalized: str | None
    level: int | None
    level_name: str | None
    exists: bool
    active: bool | None
    title: str | None
    rule: str | None
    reason: str | None


class SuggestionsResponse(msgspec.Struct):
    experience_type: str
    experience_category: str
    categories: list[str]
    items: list[NaicsSummary]


class NaicsAdminPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Admin annotations; a field left out is left unchanged, null clears a text field."""

    tags: Annotated[list[Label], Meta(max_length=50)] | UnsetType = UNSET
    aliases: Annotated[list[Label], Meta(max_length=50)] | UnsetType = UNSET
    custom_category: Annotated[str, Meta(max_length=100)] | UnsetType | None = UNSET
    admin_notes: Annotated[str, Meta(max_length=5000)] | UnsetType | None = UNSET

    def changes(self) -> dict[str, object]:
        return {name: value for name in self.__struct_fields__ if (value := getattr(self, name)) is not UNSET}


class NaicsSuggestion(msgspec.Struct, frozen=True):
    """A code the learned classifier finds likely for a text; confidence 0..1."""

    code: str
    title: str
    confidence: float
