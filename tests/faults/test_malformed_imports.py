"""Malformed import files through `levelith naics import`: a clear message naming the file (and the
line where there is one), a non-zero exit, and a catalogue exactly as before (count and checksum)."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.db.engine import async_url
from indexer.main import cli
from tests.support.catalogue import catalogue_fingerprint as _catalogue

CODES_HEADER = ["Seq. No.", "2022 NAICS US   Code", "2022 NAICS US Title"]
TSV_HEADER = "code\ttitle\tdescription\tcategory\tparent_code\tis_active\tyear\n"


def _title(settings: Settings, code: str) -> str:
    async def read() -> str:
        engine = create_async_engine(async_url(settings.database_url or ""), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                query = text("SELECT title FROM naics_codes WHERE code = :code")
                return str((await connection.execute(query, {"code": code})).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _import(settings: Settings, *paths: Path) -> tuple[int, str]:
    """`levelith naics import PATH...`, in-process (same code path as the console script)."""
    assert settings.database_url
    runner = CliRunner()
    result = runner.invoke(
        cli, ["naics", "import", *map(str, paths)], env={"DATABASE_URL": settings.database_url}
    )
    return result.exit_code, result.output


def _codes_workbook(path: Path, rows: list[list[object]], header: list[str] = CODES_HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)
    return path


def _zip_not_xlsx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "a zip file, but no workbook inside")
    return path


# (name, file builder, what the message must say besides the file name, line number or None)
CASES = [
    ("garbage.xlsx", _garbage, "not a readable xlsx workbook", None),
    ("plain.zip.xlsx", _zip_not_xlsx, "not a readable xlsx workbook", None),
    (
        "wrong-headers.xlsx",
        lambda p: _codes_workbook(p, [[1, "541511", "Programming"]], header=["Number", "Id", "Name"]),
        "not a recognised Census NAICS workbook",
        None,
    ),
    (
        "letters.xlsx",
        lambda p: _codes_workbook(p, [[1, "54", "Professional Services"], [2, "54A511", "Letters"]]),
        "2022 NAICS US Code",
        3,
    ),
    (
        "huge-cell.xlsx",
        lambda p: _codes_workbook(p, [[1, "541511", "Custom Computer Programming Services " + "x" * 30_000]]),
        "title",
        2,
    ),
    ("garbage.tsv", _garbage, "", None),
    (
        "letters.tsv",
        lambda p: p.write_text(TSV_HEADER + "541511\tProgramming\t\t\t\t\t\n54X\tLetters\t\t\t\t\t\n") and p,
        "code",
        3,
    ),
    (
        "huge-cell.tsv",
        lambda p: p.write_text(TSV_HEADER + "541511\t" + "Programming " * 5_000 + "\t\t\t\t\t\n") and p,
        "title",
        2,
    ),
]


@pytest.mark.slow
def test_malformed_files_are_refused_with_the_file_and_line_and_change_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    before = _catalogue(settings)
    assert before[0] > 1000  # the built-in catalogue
    problems = []
    for name, build, says, line in CASES:
        path = build(tmp_path / name)
        exit_code, message = _import(settings, path)
        where = f"{path}:{line}" if line else str(path)
        if exit_code == 0:
            problems.append(f"{name}: accepted (exit 0): {message[-300:]}")
        elif where not in message or says.lower() not in message.lower() or "Traceback" in message:
            problems.append(f"{name}: unclear message (want {where!r} and {says!r}): {message[-600:]}")
        if _catalogue(settings) != before:
            problems.append(f"{name}: the catalogue changed")
    assert problems == [], "\n".join(problems)


@pytest.mark.slow
def test_duplicate_codes_are_reported_and_the_first_one_wins(settings: Settings, tmp_path: Path) -> None:
    before = _catalogue(settings)
    path = tmp_path / "duplicates.tsv"
    path.write_text(
        TSV_HEADER
        + "541511\tCustom Computer Programming Services\t\t\t\t\t\n"
        + "541511\tA second, different title\t\t\t\t\t\n"
    )
    exit_code, message = _import(settings, path)
    assert exit_code == 0, message
    assert "duplicate" in message.lower()
    after = _catalogue(settings)
    assert after[0] == before[0]
    assert _title(settings, "541511") == "Custom Computer Programming Services"
