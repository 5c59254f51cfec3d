"""Importing the official Census files into PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NaicsCode
from app.naics.importing import read_import_files
from app.services.naics_import import import_bundle

pytestmark = pytest.mark.census


async def test_the_four_official_files_give_the_published_hierarchy(
    empty_catalogue: AsyncSession, census_paths: list[Path]
) -> None:
    session = empty_catalogue
    started = time.monotonic()
    summary = await import_bundle(session, read_import_files(census_paths))
    elapsed = time.monotonic() - started

    rows = await session.execute(select(NaicsCode.level, func.count()).group_by(NaicsCode.level))
    levels = dict(rows.tuples().all())
    assert levels == {2: 20, 3: 96, 4: 308, 6: 1012}
    without_description = await session.scalar(
        select(func.count()).where(
            NaicsCode.level == 6, func.coalesce(func.btrim(NaicsCode.description), "") == ""
        )
    )
    assert without_description == 0
    attached = await session.scalar(text("SELECT sum(jsonb_array_length(keywords)) FROM naics_codes"))
    assert attached >= 20_000
    assert summary.inserted == 1436 and summary.updated == 0
    assert summary.skipped["five_digit (codes file)"] == 689
    assert summary.skipped["placeholder (index file)"] == 25
    assert summary.warnings == []
    # Seconds, not minutes: reading the workbooks dominates.
    assert elapsed < 30, f"import took {elapsed:.1f}s"
