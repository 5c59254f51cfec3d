"""Fixtures for the pure NAICS tests: locating the official Census files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

CENSUS_FILE_NAMES = {
    "codes": "2-6 digit_2022_Codes.xlsx",
    "descriptions": "2022_NAICS_Descriptions.xlsx",
    "index": "2022_NAICS_Index_File.xlsx",
    "structure": "2022_NAICS_Structure_Summary_Table.xlsx",
}


def shared_dir() -> Path:
    # A fresh clone has no ../shared; LEVELITH_SHARED_DIR points elsewhere.
    return Path(os.environ.get("LEVELITH_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def census_files() -> dict[str, Path]:
    naics_dir = shared_dir() / "naics"
    files = {kind: naics_dir / name for kind, name in CENSUS_FILE_NAMES.items()}
    missing = [p.name for p in files.values() if not p.is_file()]
    if missing:
        pytest.skip(
            f"official Census NAICS files not in {naics_dir} ({len(missing)} missing); "
            "set LEVELITH_SHARED_DIR to the directory that holds naics/*.xlsx"
        )
    return files


@pytest.fixture(scope="session")
def census_bundle(census_files: dict[str, Path]):
    from app.naics.census import load_census

    return load_census(census_files.values())
