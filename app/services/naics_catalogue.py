"""Catalogue rules: look codes up by any accepted spelling, validate, suggest, let admins annotate.

Every code from outside goes through ``canonical_code`` first, so "31", "32",
"33" and "31-33" all name Manufacturing (stored as "31", see app/naics/codes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from app.experiences.types import ExperienceType, category_of
from app.limits import check_page
from app.models import NaicsCode
from app.naics.categories import Category, parse_category, suggested_categories
from app.naics.codes import (
    VALID_LEVELS,
    InvalidNaicsCode,
    canonical_code,
    canonical_sector,
    hierarchy,
    level_name,
    normalise_code,
    parent_of,
)
from app.naics.keywords import merge_unique
from app.repositories.naics import CodeFilter, NaicsRepository
from app.schemas.naics import ValidateResponse
from app.services.catalogue_errors import CodeNotFound, InvalidCatalogueInput

ADMIN_FIELDS: Final = frozenset({"tags", "custom_category", "admin_notes", "aliases"})


def parse_code(raw: str, field: str = "code") -> str:
    """The canonical code, or ``InvalidCatalogueInput`` naming the field and the rule."""
    try:
        return canonical_code(raw)
    except InvalidNaicsCode as exc:
        raise InvalidCatalogueInput(field, exc.rule, exc.message) from exc


def parse_level(level: int | None) -> int | None:
    if level is not None and level not in VALID_LEVELS:
        raise InvalidCatalogueInput(
            "level", "bad_level", f"level {level} does not exist; NAICS levels are 2, 3, 4 and 6"
        )
    return level


def parse_sector(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return canonical_sector(raw)
    except InvalidNaicsCode as exc:
        raise InvalidCatalogueInput("sector", exc.rule, exc.message) from exc


def parse_category_param(raw: str | None, field: str = "category") -> Category | None:
    if raw is None:
        return None
    try:
        return parse_category(raw)
    except ValueError as exc:
        raise InvalidCatalogueInput(field, "unknown_category", str(exc)) from exc


@dataclass(frozen=True, slots=True)
class Suggestions:
    experience_type: str
    experience_category: str
    categories: list[Category]
    codes: Sequence[NaicsCode]


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


class NaicsCatalogue:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = NaicsRepository(session)

    async def get(self, raw: str) -> NaicsCode:
        code = parse_code(raw)
        row = await self.repo.get(code)
        if row is None:
            raise CodeNotFound(code)
        return row

    async def list_codes(
        self,
        *,
        level: int | None = None,
        sector: str | None = None,
        category: str | None = None,
        parent: str | None = None,
        active: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[Sequence[NaicsCode], int]:
        parsed_category = parse_category_param(category)
        filters = CodeFilter(
            level=parse_level(level),
            sector=parse_sector(sector),
            category=str(parsed_category) if parsed_category else None,
            parent=parse_code(parent, "parent") if parent is not None else None,
            active=active,
        )
        check_page(limit, offset)
        return await self.repo.list_codes(filters, limit=limit, offset=offset)

    async def children(self, raw: str) -> tuple[NaicsCode, Sequence[NaicsCode]]:
        row = await self.get(raw)
        return row, await self.repo.children(row.code)

    async def parent(self, raw: str) -> NaicsCode:
        row = await self.get(raw)
        parent_code = parent_of(row.code)
        if parent_code is None:
            raise CodeNotFound(row.code, f"NAICS code '{row.code}' is a sector and has no parent")
        parent = await self.repo.get(parent_code)
        if parent is None:
            raise CodeNotFound(
                parent_code, f"the parent of '{row.code}', '{parent_code}', is not in the catalogue"
            )
        return parent

    async def hierarchy(self, raw: str) -> list[NaicsCode]:
        """Sector first, the code itself last; ancestors missing from the catalogue are left out."""
        row = await self.get(raw)
        return await self.repo.hierarchy(hierarchy(row.code))

    async def descendants(
        self, raw: str, *, level: int | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[Sequence[NaicsCode], int]:
        check_page(limit, offset)
        row = await self.get(raw)
        return await self.repo.descendants(row.code, level=parse_level(level), limit=limit, offset=offset)

    async def sectors(self) -> Sequence[NaicsCode]:
        return await self.repo.sectors()

    async def level_counts(self) -> dict[int, int]:
        counts = await self.repo.count_by_level()
        return {level: counts.get(level, 0) for level in VALID_LEVELS}

    async def category_counts(self) -> dict[Category, int]:
        counts = await self.repo.count_by_category()
        return {category: counts.get(str(category), 0) for category in Category}

    async def codes_in_category(
        self, raw_category: str, *, level: int | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[Category, Sequence[NaicsCode], int]:
        category = parse_category_param(raw_category)
        assert category is not None
        check_page(limit, offset)
        rows, total = await self.repo.list_codes(
            CodeFilter(category=str(category), level=parse_level(level)), limit=limit, offset=offset
        )
        return category, rows, total

    async def validate(self, raw: str) -> ValidateResponse:
        try:
            normalised = normalise_code(raw)
            code = canonical_code(raw)
        except InvalidNaicsCode as exc:
            return ValidateResponse(raw, False, None, None, None, False, None, None, exc.rule, exc.message)
        level = len(code)
        row = await self.repo.get(code)
        common = {"input": raw, "normalized": code, "level": level, "level_name": level_name(level)}
        if row is None:
            return ValidateResponse(
                **common,
                valid=False,
                exists=False,
                active=None,
                title=None,
                rule="not_found",
                reason=f"code '{normalised}' is well-formed but not in the catalogue",
            )
        if not row.is_active:
            return ValidateResponse(
                **common,
                valid=False,
                exists=True,
                active=False,
                title=row.title,
                rule="inactive",
                reason=f"code '{code}' exists but is not active",
            )
        return ValidateResponse(
            **common, valid=True, exists=True, active=True, title=row.title, rule=None, reason=None
        )

    async def suggestions(self, experience_type: str, *, limit: int = 20, offset: int = 0) -> Suggestions:
        try:
            experience_category = category_of(experience_type.strip().lower())
        except ValueError:
            valid = ", ".join(t.value for t in ExperienceType)
            raise InvalidCatalogueInput(
                "experience_type",
                "unknown_experience_type",
                f"experience_type '{experience_type}' is not one of: {valid}",
            ) from None
        categories = suggested_categories(experience_category.value)
        check_page(limit, offset)
        codes = await self.repo.in_categories([str(c) for c in categories], limit=limit, offset=offset)
        return Suggestions(
            experience_type=experience_type.strip().lower(),
            experience_category=experience_category.value,
            categories=categories,
            codes=codes,
        )

    async def patch_admin_fields(self, raw: str, changes: dict[str, Any]) -> NaicsCode:
        """Apply admin edits (tags, custom_category, admin_notes, aliases); other keys are refused."""
        unknown = set(changes) - ADMIN_FIELDS
        if unknown:
            field = sorted(unknown)[0]
            raise InvalidCatalogueInput(field, "not_editable", f"field '{field}' cannot be edited")
        code = parse_code(raw)
        values: dict[str, Any] = {}
        for name, value in changes.items():
            if name in {"tags", "aliases"}:
                values[name] = merge_unique((), value)  # trimmed, case-insensitive repeats dropped
            else:
                values[name] = _clean_text(value)
        row = await self.repo.update_fields(code, values)
        if row is None:
            raise CodeNotFound(code)
        return row
