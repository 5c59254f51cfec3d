"""Where catalogue data came from: the shipped catalogue, index keywords an import replaces,
keywords and aliases added by hand that stay, former NAICS 2017 and SIC codes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NaicsCode
from app.naics.aliases import PREDEFINED_ALIASES
from app.naics.importing import read_import_files
from app.services.naics_import import import_bundle, seed_builtin
from app.services.naics_keywords import add_alias

CODES = [
    ("Seq. No.", "2022 NAICS US   Code", "2022 NAICS US Title"),
    (1, 54, "Professional, Scientific, and Technical Services"),
    (2, 541, "Professional, Scientific, and Technical Services"),
    (3, 5415, "Computer Systems Design and Related Services"),
    (4, 541511, "Custom Computer Programming Services"),
    (5, 541512, "Computer Systems Design Services"),
]
INDEX_HEADER = ("NAICS22", "INDEX ITEM DESCRIPTION")


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return path


async def row(session: AsyncSession, code: str) -> NaicsCode:
    session.expire_all()
    found = await session.get(NaicsCode, code)
    assert found is not None
    return found


async def test_a_fresh_database_holds_the_shipped_catalogue(db_session: AsyncSession) -> None:
    # What `levelith serve` seeds on an empty database: no import or alias step needed.
    total = await db_session.scalar(select(func.count()).select_from(NaicsCode))
    assert total == 1436
    items = await db_session.scalar(text("SELECT sum(jsonb_array_length(index_keywords)) FROM naics_codes"))
    assert items == 20_373
    described = await db_session.scalar(
        select(func.count()).where(NaicsCode.level == 6, NaicsCode.description.is_not(None))
    )
    assert described == 1012
    child_care = await row(db_session, "624410")
    assert "Daycare" in child_care.aliases
    assert "Child day care centers" in child_care.keywords
    assert child_care.naics_2017_codes == ["624410"] and child_care.sic_codes == ["8351"]


async def test_an_index_import_replaces_the_previous_index_keywords_only(
    db_session: AsyncSession, tmp_path: Path
) -> None:
    codes = write_xlsx(tmp_path / "codes.xlsx", CODES)
    first = write_xlsx(
        tmp_path / "index1.xlsx",
        [
            INDEX_HEADER,
            (541511, "Applications software programming services, custom computer"),
            (541511, "Computer programming services, custom"),
            (541511, "Web (i.e., internet) page design services, custom"),
            (541512, "Computer systems integration design consulting services"),
        ],
    )
    await import_bundle(db_session, read_import_files([codes, first]))
    programming = await row(db_session, "541511")
    assert programming.index_keywords == [
        "Applications software programming services, custom computer",
        "Computer programming services, custom",
        "Web (i.e., internet) page design services, custom",
    ]
    # The first file replaced the shipped index items everywhere, also on codes it does not name.
    assert (await row(db_session, "624410")).index_keywords == []
    assert "Child day care centers" not in (await row(db_session, "624410")).keywords

    # Added by hand: a keyword (as a TSV or the keywords tool would) and an alias.
    await db_session.execute(
        text("UPDATE naics_codes SET keywords = keywords || '[\"mobile apps\"]'::jsonb WHERE code = '541511'")
    )
    await db_session.commit()
    await add_alias(db_session, "541511", "Dev Shop", commit=True)

    fewer = write_xlsx(
        tmp_path / "index2.xlsx", [INDEX_HEADER, (541511, "Computer programming services, custom")]
    )
    await import_bundle(db_session, read_import_files([codes, fewer]))
    programming = await row(db_session, "541511")
    assert programming.index_keywords == ["Computer programming services, custom"]
    assert programming.keywords == ["Computer programming services, custom", "mobile apps"]
    assert "Dev Shop" in programming.aliases and "App Development" in programming.aliases
    # A code left without index items loses the previous file's.
    systems = await row(db_session, "541512")
    assert systems.keywords == [] and systems.index_keywords == []

    # Importing codes without an index file leaves the index keywords alone.
    await import_bundle(db_session, read_import_files([codes]))
    assert (await row(db_session, "541511")).keywords == programming.keywords

    # Re-seeding the shipped catalogue brings its index items back; the hand-added keyword stays.
    await seed_builtin(db_session)
    programming = await row(db_session, "541511")
    assert "Computer programming services, custom" in programming.index_keywords
    assert len(programming.index_keywords) > 10
    assert programming.keywords[-1] == "mobile apps"
    assert "Child day care centers" in (await row(db_session, "624410")).keywords


async def _codes_listing(session: AsyncSession, column: Any, code: str) -> list[str]:
    return list(await session.scalars(select(NaicsCode.code).where(column.has_key(code)).order_by("code")))


async def test_former_and_sic_codes_lead_to_their_2022_codes(db_session: AsyncSession) -> None:
    former, sic = NaicsCode.naics_2017_codes, NaicsCode.sic_codes
    # Software Publishers: 511210 in NAICS 2017, 513210 in 2022.
    assert await _codes_listing(db_session, former, "511210") == ["513210"]
    # Gold ore and silver ore mining were merged into 212220.
    assert await _codes_listing(db_session, former, "212221") == ["212220"]
    # An unchanged code carries over as itself.
    assert await _codes_listing(db_session, former, "111110") == ["111110"]
    assert await _codes_listing(db_session, former, "999999") == []
    # SIC 7372 (prepackaged software) became software publishers and media reproduction.
    assert await _codes_listing(db_session, sic, "7372") == ["334610", "513210"]
    assert await _codes_listing(db_session, sic, "0000") == []


async def test_an_import_with_clear_keeps_the_shipped_aliases_former_and_sic_codes(
    db_session: AsyncSession, tmp_path: Path
) -> None:
    # No import file carries the crosswalks; the shipped ones are attached to the imported codes.
    codes = write_xlsx(tmp_path / "codes.xlsx", CODES)
    await import_bundle(db_session, read_import_files([codes]), clear=True)
    programming = await row(db_session, "541511")
    assert programming.naics_2017_codes == ["541511"] and "7371" in programming.sic_codes
    assert programming.aliases == list(PREDEFINED_ALIASES["541511"])


async def test_an_import_keeps_the_aliases_admins_edited(db_session: AsyncSession, tmp_path: Path) -> None:
    await db_session.execute(text("UPDATE naics_codes SET aliases = '[\"Coders\"]' WHERE code = '541511'"))
    await db_session.commit()
    await import_bundle(db_session, read_import_files([write_xlsx(tmp_path / "codes.xlsx", CODES)]))
    assert (await row(db_session, "541511")).aliases == ["Coders"]


async def test_the_detail_lists_the_codes_a_code_came_from(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/api/v1/naics/513210")
    assert response.status_code == 200
    body = response.json()
    assert body["naics_2017_codes"] == ["511210"]
    assert "7372" in body["sic_codes"]
    sector = (await client.get("/api/v1/naics/54")).json()
    assert sector["naics_2017_codes"] == [] and sector["sic_codes"] == []
