"""Read the Census index workbook and write a filtered copy with the same header.

The filtered copy must be recognised by the importer exactly like the original, so the
rows above and including the header are copied verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from bench.common.census_files import HEADER_SEARCH_ROWS, kind_of_row
from bench.relevance.split import IndexItem


@dataclass(frozen=True)
class IndexSheet:
    header_rows: list[tuple[object, ...]]
    # Items pointing at a 6-digit code (the only ones a level=6 search can find).
    items: list[IndexItem]
    # Rows without a 6-digit code ("******" see-also rows, blanks).
    other_rows: int


def cell_code(value: object) -> str:
    # The sheet stores codes as numbers: 111110.0 must read "111110".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_index_sheet(path: Path) -> IndexSheet:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header_at = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if kind_of_row(row) == "index"), None
    )
    if header_at is None:
        raise ValueError(f"{path}: not a Census index file (no 'NAICS22 | INDEX ITEM DESCRIPTION' header)")
    items: list[IndexItem] = []
    other = 0
    for row in rows[header_at + 1 :]:
        code = cell_code(row[0] if row else None)
        text = " ".join(str(row[1]).split()) if len(row) > 1 and row[1] is not None else ""
        if len(code) == 6 and code.isdigit() and text:
            items.append(IndexItem(code, text, row))
        else:
            other += 1
    return IndexSheet(rows[: header_at + 1], items, other)


def write_index_sheet(
    path: Path, header_rows: Iterable[tuple[object, ...]], items: Iterable[IndexItem]
) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in header_rows:
        sheet.append(list(row))
    for item in items:
        sheet.append(list(item.row))
    workbook.save(path)
    return path
