"""Queries on ``naics_codes``: reads for the API, bulk writes for imports.

Codes given here are canonical already (the service layer normalises user
input with ``app.naics.codes.canonical_code``); nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from sqlalchemy import ColumnElement, bindparam, case, delete, func, literal_column, select, tuple_, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.experiences.types import UNCLASSIFIED_NAICS_CODE
from app.models import Experience, NaicsCode
from app.naics.records import NaicsRecord

# 1,000 rows x 20 columns stays far below PostgreSQL's 32,767 bind parameters.
UPSERT_CHUNK: Final = 1000

_TABLE = NaicsCode.__table__

# Columns an import owns: every field of a NaicsRecord (code first). Admin fields (tags,
# custom_category, admin_notes, notes) and the SBA columns are never touched by one.
_IMPORTED: Final = NaicsRecord.__struct_fields__
# A file that does not provide these leaves the stored value alone: a TSV of
# titles must not wipe the Census descriptions or keywords imported earlier.
_KEEP_WHEN_ABSENT: Final = frozenset({"description", "examples"})
# (When an index file replaces the index keywords, the service writes the exact lists
# afterwards with set_keywords(), empty ones included.)
_KEEP_WHEN_EMPTY: Final = frozenset(
    {"keywords", "index_keywords", "aliases", "cross_references", "naics_2017_codes", "sic_codes"}
)


@dataclass(frozen=True, slots=True)
class CodeFilter:
    level: int | None = None
    sector: str | None = None
    category: str | None = None
    parent: str | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class KeywordSources:
    keywords: list[str]
    # The subset of keywords that came from the Census index file.
    index_keywords: list[str]


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted: list[str]
    updated: list[str]
    unchanged: list[str]


def _conditions(filters: CodeFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.level is not None:
        conditions.append(NaicsCode.level == filters.level)
    if filters.sector is not None:
        conditions.append(NaicsCode.sector == filters.sector)
    if filters.category is not None:
        conditions.append(NaicsCode.category == filters.category)
    if filters.parent is not None:
        conditions.append(NaicsCode.parent_code == filters.parent)
    if filters.active is not None:
        conditions.append(NaicsCode.is_active == filters.active)
    return conditions


def _descendant_condition(code: str) -> ColumnElement[bool]:
    # The denormalised columns are indexed; LIKE on code would scan.
    level = len(code)
    if level == 2:
        return (NaicsCode.sector == code) & (NaicsCode.code != code)
    if level == 3:
        return (NaicsCode.subsector == code) & (NaicsCode.code != code)
    if level == 4:
        return (NaicsCode.industry_group == code) & (NaicsCode.code != code)
    return NaicsCode.code.is_(None)  # 6-digit codes have no descendants


def _row(record: NaicsRecord) -> dict[str, Any]:
    # The record's fields are the imported columns, as JSON-ready values (category by value).
    return msgspec.to_builtins(record)


def _upsert_statement() -> Any:
    stmt = insert(_TABLE)
    excluded = stmt.excluded
    new_values: dict[str, Any] = {}
    for name in _IMPORTED[1:]:
        current, incoming = _TABLE.c[name], excluded[name]
        if name in _KEEP_WHEN_ABSENT:
            new_values[name] = func.coalesce(incoming, current)
        elif name in _KEEP_WHEN_EMPTY:
            empty = literal_column("'[]'::jsonb", JSONB)
            new_values[name] = func.coalesce(func.nullif(incoming, empty), current)
        else:
            new_values[name] = incoming
    names = list(new_values)
    # Only rows that really change are updated: an identical re-import fires no
    # trigger, so it neither bumps updated_at nor queues search documents.
    changed = tuple_(*(_TABLE.c[n] for n in names)).is_distinct_from(tuple_(*new_values.values()))
    # xmax is 0 for a row this statement inserted and set for one it updated.
    return stmt.on_conflict_do_update(index_elements=["code"], set_=new_values, where=changed).returning(
        _TABLE.c.code, (literal_column("xmax") == 0).label("inserted")
    )


_UPSERT = _upsert_statement()


class NaicsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> NaicsCode | None:
        return await self.session.get(NaicsCode, code)

    async def every_code(self) -> Sequence[NaicsCode]:
        """The whole catalogue, inactive codes included (a few thousand rows)."""
        return (await self.session.scalars(select(NaicsCode).order_by(NaicsCode.code))).all()

    async def get_many(self, codes: Iterable[str]) -> dict[str, NaicsCode]:
        wanted = list(codes)
        if not wanted:
            return {}
        rows = await self.session.scalars(select(NaicsCode).where(NaicsCode.code.in_(wanted)))
        return {row.code: row for row in rows}

    async def list_codes(
        self, filters: CodeFilter, *, limit: int, offset: int = 0
    ) -> tuple[Sequence[NaicsCode], int]:
        conditions = _conditions(filters)
        total = await self.session.scalar(select(func.count()).select_from(NaicsCode).where(*conditions))
        rows = await self.session.scalars(
            select(NaicsCode).where(*conditions).order_by(NaicsCode.code).limit(limit).offset(offset)
        )
        return rows.all(), int(total or 0)

    async def children(self, code: str) -> Sequence[NaicsCode]:
        rows = await self.session.scalars(
            select(NaicsCode).where(NaicsCode.parent_code == code).order_by(NaicsCode.code)
        )
        return rows.all()

    async def descendants(
        self, code: str, *, level: int | None = None, limit: int, offset: int = 0
    ) -> tuple[Sequence[NaicsCode], int]:
        conditions = [_descendant_condition(code)]
        if level is not None:
            conditions.append(NaicsCode.level == level)
        total = await self.session.scalar(select(func.count()).select_from(NaicsCode).where(*conditions))
        rows = await self.session.scalars(
            select(NaicsCode).where(*conditions).order_by(NaicsCode.code).limit(limit).offset(offset)
        )
        return rows.all(), int(total or 0)

    async def hierarchy(self, chain: Sequence[str]) -> list[NaicsCode]:
        """The rows of ``chain`` (sector first) that exist, in the chain's order."""
        found = await self.get_many(chain)
        return [found[code] for code in chain if code in found]

    async def sectors(self) -> Sequence[NaicsCode]:
        rows = await self.session.scalars(
            select(NaicsCode).where(NaicsCode.level == 2).order_by(NaicsCode.code)
        )
        return rows.all()

    async def count_by_category(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(NaicsCode.category, func.count()).group_by(NaicsCode.category)
        )
        return {category: count for category, count in rows.tuples()}

    async def count_by_level(self) -> dict[int, int]:
        rows = await self.session.execute(select(NaicsCode.level, func.count()).group_by(NaicsCode.level))
        return {level: count for level, count in rows.tuples()}

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(NaicsCode)) or 0)

    async def existing_codes(self) -> set[str]:
        return set(await self.session.scalars(select(NaicsCode.code)))

    async def in_categories(
        self, categories: Sequence[str], *, active_only: bool = True, limit: int, offset: int = 0
    ) -> Sequence[NaicsCode]:
        """Codes of the given categories, in the categories' order, 6-digit codes first in each."""
        if not categories:
            return []
        rank = {category: index for index, category in enumerate(categories)}
        order = case(rank, value=NaicsCode.category)
        conditions = [NaicsCode.category.in_(list(categories))]
        if active_only:
            conditions.append(NaicsCode.is_active.is_(True))
        rows = await self.session.scalars(
            select(NaicsCode)
            .where(*conditions)
            .order_by(order, NaicsCode.level.desc(), NaicsCode.code)
            .limit(limit)
            .offset(offset)
        )
        return rows.all()

    async def all(self) -> Sequence[NaicsCode]:
        rows = await self.session.scalars(select(NaicsCode).order_by(NaicsCode.code))
        return rows.all()

    async def upsert_many(
        self,
        records: Sequence[NaicsRecord],
        *,
        progress: Callable[[int], None] | None = None,
        chunk_size: int = UPSERT_CHUNK,
    ) -> UpsertResult:
        """INSERT ... ON CONFLICT (code) DO UPDATE, in chunks, in the caller's transaction."""
        inserted: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        for start in range(0, len(records), chunk_size):
            chunk = records[start : start + chunk_size]
            # executemany: SQLAlchemy's "insertmanyvalues" batches the rows into multi-row
            # INSERTs without compiling a statement per row set (compiling a 1,000-row
            # VALUES clause costs seconds).
            result = await self.session.execute(_UPSERT, [_row(r) for r in chunk])
            touched = {code: was_inserted for code, was_inserted in result.tuples()}
            for record in chunk:
                if record.code not in touched:
                    unchanged.append(record.code)
                elif touched[record.code]:
                    inserted.append(record.code)
                else:
                    updated.append(record.code)
            if progress is not None:
                progress(len(chunk))
        return UpsertResult(inserted=inserted, updated=updated, unchanged=unchanged)

    async def keyword_sources(self) -> dict[str, KeywordSources]:
        """Every code's keywords and the subset that came from the index file."""
        rows = await self.session.execute(
            select(NaicsCode.code, NaicsCode.keywords, NaicsCode.index_keywords)
        )
        return {code: KeywordSources(list(keywords), list(index)) for code, keywords, index in rows.tuples()}

    async def set_keywords(self, lists: Mapping[str, KeywordSources]) -> int:
        """Write exactly these keyword lists (empty ones too); rows already equal are not touched."""
        if not lists:
            return 0
        keywords_type = _TABLE.c.keywords.type
        stmt = (
            update(_TABLE)
            .where(
                _TABLE.c.code == bindparam("b_code"),
                tuple_(_TABLE.c.keywords, _TABLE.c.index_keywords).is_distinct_from(
                    tuple_(
                        bindparam("b_keywords", type_=keywords_type),
                        bindparam("b_index", type_=keywords_type),
                    )
                ),
            )
            .values(
                keywords=bindparam("b_keywords", type_=keywords_type),
                index_keywords=bindparam("b_index", type_=keywords_type),
            )
        )
        rows = [
            {"b_code": code, "b_keywords": lists.keywords, "b_index": lists.index_keywords}
            for code, lists in lists.items()
        ]
        result = await self.session.execute(stmt, rows)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_all(self) -> int:
        result = await self.session.execute(delete(NaicsCode))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def missing_codes_in_use(self) -> dict[str, int]:
        """Codes experiences point at that are not in the catalogue (code -> experiences)."""
        rows = await self.session.execute(
            select(Experience.naics_code, func.count())
            .outerjoin(NaicsCode, NaicsCode.code == Experience.naics_code)
            .where(NaicsCode.code.is_(None), Experience.naics_code != UNCLASSIFIED_NAICS_CODE)
            .group_by(Experience.naics_code)
            .order_by(Experience.naics_code)
        )
        return {code: count for code, count in rows.tuples()}

    async def update_fields(self, code: str, values: dict[str, Any]) -> NaicsCode | None:
        if not values:
            return await self.get(code)
        # A statement, not a dirty ORM object: advanced-alchemy's before_flush listener would
        # stamp an aware updated_at into the naive column; the trigger sets it anyway.
        stmt = (
            update(NaicsCode)
            .where(NaicsCode.code == code)
            .values(**values)
            .returning(NaicsCode)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).one_or_none()
