"""Imports are all or nothing, report what they did, and queue search documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.experiences.types import ExperienceType
from app.models import NaicsCode, SearchOutbox, User
from app.models.experience import EXPERIENCE_CLASSES
from app.naics.import_errors import ImportFileError
from app.naics.importing import read_import_files
from app.services.naics_import import CodesStillInUse, import_bundle, seed_builtin, seed_if_empty

HEADER = "code\ttitle\tdescription\tcategory\tparent_code\tis_active\tyear\n"


def write_tsv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def levelith(*args: str, settings: Settings) -> subprocess.CompletedProcess[str]:
    assert settings.database_url
    env = {**os.environ, "DATABASE_URL": settings.database_url, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def count(session: AsyncSession, model: type = NaicsCode) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def title_of(session: AsyncSession, code: str) -> str | None:
    return await session.scalar(select(NaicsCode.title).where(NaicsCode.code == code))


@pytest.fixture
def bad_tsv(tmp_path: Path) -> Path:
    return write_tsv(
        tmp_path / "bad.tsv",
        [
            "541511\tRenamed Programming\t\ttechnology\t5415\tTRUE\t2022",
            "5415\tComputer Systems Design and Related Services\t\t\t541\t\t",
            "54151\tNot A Level\t\t\t\t\t",  # line 4: a 5-digit code
            "999999\tNever Imported\t\t\t\t\t",
        ],
    )


async def test_a_bad_line_in_the_middle_refuses_the_whole_file(
    db_session: AsyncSession, bad_tsv: Path
) -> None:
    before = await count(db_session)
    with pytest.raises(ImportFileError) as refused:
        await import_bundle(db_session, read_import_files([bad_tsv]))
    assert refused.value.line == 4
    assert str(refused.value).startswith(f"{bad_tsv}:4: column 'code':")
    assert await count(db_session) == before
    assert await title_of(db_session, "541511") == "Custom Computer Programming Services"


def test_the_cli_names_the_bad_line_and_changes_nothing(settings: Settings, bad_tsv: Path) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    from app.db.engine import async_url

    async def rows() -> int:
        engine = create_async_engine(async_url(settings.database_url or ""))
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(text("SELECT count(*) FROM naics_codes"))).scalar_one())
        finally:
            await engine.dispose()

    before = asyncio.run(rows())
    result = levelith("naics", "import", str(bad_tsv), settings=settings)
    assert result.returncode != 0
    assert f"{bad_tsv}:4: column 'code':" in result.stderr
    assert "unchanged" in result.stderr
    assert asyncio.run(rows()) == before

    good = write_tsv(bad_tsv.with_name("good.tsv"), ["541511\tRenamed Programming\t\t\t\t\t"])
    done = levelith("naics", "import", str(good), settings=settings)
    assert done.returncode == 0, done.stderr
    assert "updated" in done.stdout and "unchanged" in done.stdout
    assert asyncio.run(rows()) == before


async def test_existing_codes_are_updated_new_ones_inserted_duplicates_reported(
    db_session: AsyncSession, tmp_path: Path
) -> None:
    rows = [
        "541511\tApp Builders\tWe build apps.\t\t\t\t",
        "541511\tSecond Spelling\t\t\t\t\t",  # line 3: duplicate, first wins
        "5415\tComputer Systems Design and Related Services\t\t\t\t\t",
        "541599\tLocal Extension Code\t\t\t\t\t",
    ]
    tsv = write_tsv(tmp_path / "mixed.tsv", rows)
    first = await import_bundle(db_session, read_import_files([tsv]))
    # 5415 keeps its title but now names the TSV as its data source.
    assert (first.inserted, first.updated, first.unchanged) == (1, 2, 0)
    assert first.duplicates == [(str(tsv), 3, "541511")]
    assert first.skipped["duplicate code (TSV)"] == 1
    assert await title_of(db_session, "541511") == "App Builders"
    assert await title_of(db_session, "541599") == "Local Extension Code"

    again = await import_bundle(db_session, read_import_files([tsv]))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)

    rows[0] = "541511\tApp Makers\tWe build apps.\t\t\t\t"
    changed = await import_bundle(db_session, read_import_files([write_tsv(tsv, rows)]))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)


async def test_dry_run_reports_and_writes_nothing(db_session: AsyncSession, tmp_path: Path) -> None:
    tsv = write_tsv(tmp_path / "dry.tsv", ["541511\tApp Builders\t\t\t\t\t"])
    outbox_before = await count(db_session, SearchOutbox)
    summary = await import_bundle(db_session, read_import_files([tsv]), dry_run=True)
    assert summary.updated == 1 and not summary.committed
    assert await title_of(db_session, "541511") == "Custom Computer Programming Services"
    assert await count(db_session, SearchOutbox) == outbox_before


async def test_an_import_queues_one_search_document_per_changed_code(
    db_session: AsyncSession, tmp_path: Path
) -> None:
    # The indexer's hook: triggers write the outbox rows in the import's transaction.
    rows = ["541511\tApp Builders\t\t\t\t\t", "5415\tComputer Systems Design\t\t\t\t\t"]
    tsv = write_tsv(tmp_path / "two.tsv", rows)
    await import_bundle(db_session, read_import_files([tsv]))
    queued = (
        await db_session.scalars(select(SearchOutbox.entity_id).where(SearchOutbox.entity == "naics"))
    ).all()
    assert {"541511", "5415"} <= set(queued)

    await db_session.execute(text("DELETE FROM search_outbox"))
    await db_session.commit()
    rows[0] = "541511\tApp Makers\t\t\t\t\t"
    await import_bundle(db_session, read_import_files([write_tsv(tsv, rows)]))
    queued = (
        await db_session.scalars(select(SearchOutbox.entity_id).where(SearchOutbox.entity == "naics"))
    ).all()
    assert queued == ["541511"]  # 5415 is unchanged: nothing to re-index


async def test_clear_replaces_the_catalogue(db_session: AsyncSession, tmp_path: Path) -> None:
    tsv = write_tsv(
        tmp_path / "small.tsv",
        ["54\tProfessional Services\t\t\t\t\t", "541\tProfessional Work\t\t\t54\t\t"],
    )
    summary = await import_bundle(db_session, read_import_files([tsv]), clear=True)
    assert (summary.deleted, summary.inserted) == (1436, 2)
    assert await count(db_session) == 2

    reseeded = await seed_builtin(db_session, clear=True)
    assert reseeded.inserted == 1436 and await count(db_session) == 1436


async def test_clear_is_refused_while_experiences_use_a_code_that_would_vanish(
    db_session: AsyncSession, tmp_path: Path
) -> None:
    user = User(username="ada", email="ada@example.com", password_hash="x")
    db_session.add(user)
    await db_session.flush()
    db_session.add(
        EXPERIENCE_CLASSES[ExperienceType.FULL_TIME](user_id=user.id, title="Engineer", naics_code="541511")
    )
    await db_session.commit()

    tsv = write_tsv(tmp_path / "other.tsv", ["11\tAgriculture\t\t\t\t\t"])
    with pytest.raises(CodesStillInUse) as refused:
        await import_bundle(db_session, read_import_files([tsv]), clear=True)
    assert refused.value.in_use == {"541511": 1}
    assert "541511 (1 experience)" in str(refused.value)
    assert await count(db_session) == 1436

    keeps = write_tsv(tmp_path / "keeps.tsv", ["541511\tCustom Computer Programming Services\t\t\t\t\t"])
    summary = await import_bundle(db_session, read_import_files([keeps]), clear=True)
    assert summary.committed and await count(db_session) == 1


async def test_seed_if_empty_only_seeds_an_empty_catalogue(empty_catalogue: AsyncSession) -> None:
    first = await seed_if_empty(empty_catalogue)
    assert first is not None and first.inserted == 1436
    assert await seed_if_empty(empty_catalogue) is None
    again = await seed_builtin(empty_catalogue)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1436)


async def test_import_keeps_what_a_file_does_not_provide(db_session: AsyncSession, tmp_path: Path) -> None:
    await db_session.execute(
        text(
            "UPDATE naics_codes SET description = 'Census text', keywords = '[\"coding\"]', "
            "tags = '[\"core\"]' WHERE code = '541511'"
        )
    )
    await db_session.commit()
    tsv = write_tsv(tmp_path / "t.tsv", ["541511\tApp Builders\t\t\t\t\t"])
    await import_bundle(db_session, read_import_files([tsv]))
    row = await db_session.scalar(
        select(NaicsCode).where(NaicsCode.code == "541511").execution_options(populate_existing=True)
    )
    assert row is not None
    assert (row.title, row.description, row.keywords, row.tags) == (
        "App Builders",
        "Census text",
        ["coding"],
        ["core"],
    )


def test_sample_writes_the_seed_sample(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from indexer.main import cli

    target = tmp_path / "sample.tsv"
    result = CliRunner().invoke(cli, ["naics", "sample", str(target)])
    assert result.exit_code == 0, result.output
    lines = target.read_text().splitlines()
    assert lines[0].split("\t") == [
        "code",
        "title",
        "description",
        "category",
        "parent_code",
        "is_active",
        "year",
    ]
    assert [line.split("\t")[0] for line in lines[1:]] == ["11", "111", "541511"]
