"""Keyword tools: fill keywords from titles, add predefined or custom aliases, check consistency.

Each tool first computes the exact changes (``KeywordChange``) so the CLI can
print them; they are written only when asked to commit, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NaicsCode
from app.naics.aliases import PREDEFINED_ALIASES, RETIRED_ALIASES
from app.naics.codes import InvalidNaicsCode, canonical_code, denormalised
from app.naics.keywords import duplicates, merge_unique, title_keywords, without
from app.repositories.naics import NaicsRepository
from app.services.catalogue_errors import CodeNotFound, InvalidCatalogueInput
from app.services.naics_catalogue import parse_code

Field = Literal["keywords", "aliases"]


@dataclass(frozen=True, slots=True)
class KeywordChange:
    code: str
    field: Field
    added: list[str]
    result: list[str]
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KeywordPlan:
    changes: list[KeywordChange]
    # Codes named by the tool that the catalogue lacks (e.g. a predefined alias's code).
    missing_codes: list[str]
    committed: bool = False


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    problem: str


async def _apply(session: AsyncSession, changes: Sequence[KeywordChange]) -> None:
    for field in ("keywords", "aliases"):
        rows = [{"b_code": c.code, "b_value": c.result} for c in changes if c.field == field]
        if rows:
            stmt = (
                update(NaicsCode.__table__)
                .where(NaicsCode.__table__.c.code == bindparam("b_code"))
                .values({field: bindparam("b_value", type_=NaicsCode.__table__.c[field].type)})
            )
            await session.execute(stmt, rows)


async def _finish(session: AsyncSession, plan: KeywordPlan, commit: bool) -> KeywordPlan:
    if not commit or not plan.changes:
        await session.rollback()
        return plan
    try:
        await _apply(session, plan.changes)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return KeywordPlan(plan.changes, plan.missing_codes, committed=True)


async def populate_keywords(session: AsyncSession, *, commit: bool = False) -> KeywordPlan:
    """Merge each title's significant words into the code's keywords."""
    changes: list[KeywordChange] = []
    for row in await NaicsRepository(session).all():
        merged = merge_unique(row.keywords, title_keywords(row.title))
        if len(merged) > len(row.keywords):
            changes.append(KeywordChange(row.code, "keywords", merged[len(row.keywords) :], merged))
    return await _finish(session, KeywordPlan(changes, []), commit)


async def add_aliases(
    session: AsyncSession,
    table: Mapping[str, Sequence[str]],
    *,
    retire: Mapping[str, Sequence[str]] = MappingProxyType({}),
    commit: bool = False,
) -> KeywordPlan:
    """Merge ``table`` (code -> aliases) into the catalogue's aliases, taking ``retire``'s off.

    A retired alias is compared as merged ones are and stays when ``table`` lists it for the
    same code; a retired alias's code missing from the catalogue is not an error.
    """
    rows = await NaicsRepository(session).get_many({*table, *retire})
    changes: list[KeywordChange] = []
    missing: list[str] = []
    for code in dict.fromkeys([*table, *retire]):
        row = rows.get(code)
        if row is None:
            if code in table:
                missing.append(code)
            continue
        kept = without(row.aliases, without(retire.get(code, ()), table.get(code, ())))
        removed = tuple(without(row.aliases, kept))
        merged = merge_unique(kept, table.get(code, ()))
        if removed or len(merged) > len(kept):
            changes.append(KeywordChange(code, "aliases", merged[len(kept) :], merged, removed))
    return await _finish(session, KeywordPlan(changes, missing), commit)


async def add_predefined_aliases(session: AsyncSession, *, commit: bool = False) -> KeywordPlan:
    return await add_aliases(session, PREDEFINED_ALIASES, retire=RETIRED_ALIASES, commit=commit)


async def add_alias(session: AsyncSession, raw_code: str, alias: str, *, commit: bool = False) -> KeywordPlan:
    code = parse_code(raw_code)
    text = " ".join(alias.split())
    if not text:
        raise InvalidCatalogueInput("alias", "empty", "alias is empty")
    if len(text) > 100:
        raise InvalidCatalogueInput(
            "alias", "too_long", f"alias has {len(text)} characters; the limit is 100"
        )
    if await NaicsRepository(session).get(code) is None:
        await session.rollback()
        raise CodeNotFound(code)
    return await add_aliases(session, {code: [text]}, commit=commit)


async def validate_catalogue(session: AsyncSession) -> list[Issue]:
    """Missing parents, denormalised fields that disagree with the code, empty titles, repeated keywords."""
    rows = await NaicsRepository(session).all()
    codes = {row.code for row in rows}
    issues: list[Issue] = []
    for row in rows:
        try:
            expected = denormalised(row.code)
            canonical = canonical_code(row.code)
        except InvalidNaicsCode as exc:
            issues.append(Issue(row.code, f"malformed code: {exc.message}"))
            continue
        if canonical != row.code:
            issues.append(Issue(row.code, f"stored under a non-canonical code (canonical: {canonical})"))
        if expected.parent_code is not None and expected.parent_code not in codes:
            issues.append(Issue(row.code, f"parent {expected.parent_code} is missing"))
        for name in ("level", "parent_code", "sector", "subsector", "industry_group", "industry_detail"):
            stored, wanted = getattr(row, name), getattr(expected, name)
            if stored != wanted:
                issues.append(Issue(row.code, f"{name} is {stored!r}, the code says {wanted!r}"))
        if not row.title.strip():
            issues.append(Issue(row.code, "title is empty"))
        for field in ("keywords", "aliases"):
            repeated = duplicates(getattr(row, field))
            if repeated:
                issues.append(Issue(row.code, f"duplicate {field[:-1]}s: {', '.join(repeated)}"))
    await session.rollback()  # read-only: end the transaction rather than leave it open
    return issues
