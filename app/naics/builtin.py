"""The built-in catalogue: the NAICS 2022 data file shipped in the package.

All 1,436 codes of the platform's hierarchy with their cleaned titles and descriptions,
illustrative examples, the Census index items as keywords, the built-in aliases and the
2017 / SIC codes each came from (app/naics/catalogue_data.py). A fresh install seeds it;
``levelith naics import`` updates it from newer Census or TSV files.
"""

from __future__ import annotations

from functools import cache

from app.naics.catalogue_data import CatalogueData, read_catalogue_data
from app.naics.records import NaicsRecord


@cache
def builtin_data() -> CatalogueData:
    return read_catalogue_data()


DATA_SOURCE = builtin_data().data_source


def builtin_records() -> list[NaicsRecord]:
    """All built-in records sorted by code (fresh records each call: callers may change them)."""
    return builtin_data().records()
