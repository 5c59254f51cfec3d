"""The seed's TSV import format.

Header row required (line 1). Columns, matched case-insensitively:
code, title (required); description, category, parent_code, is_active, year
(optional). An unknown column is an error, so a typo such as "descripton"
cannot silently drop a column of data.

Validation stops at the first bad row with an ``ImportFileError`` naming
file, line and column. Duplicates are not errors: the first occurrence of a
code in the file wins and later ones are counted (seed rule). Sector aliases
count as the same code: "31-33", "32" and "31" are all sector 31.

Deviation from the seed: an empty category is derived from the code
(``category_for``) instead of defaulting to "general", so a file without a
category column still gets useful categories.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Final

from app.naics.categories import parse_category
from app.naics.codes import InvalidNaicsCode, canonical_code, parent_of
from app.naics.import_errors import ImportFileError
from app.naics.records import NaicsRecord

REQUIRED_COLUMNS: Final = ("code", "title")
OPTIONAL_COLUMNS: Final = ("description", "category", "parent_code", "is_active", "year")
COLUMNS: Final = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

MAX_CELL_CHARS: Final = 10_000
MAX_TITLE_CHARS: Final = 500  # naics_codes.title is VARCHAR(500)
MIN_YEAR: Final = 1997  # first NAICS edition
MAX_YEAR: Final = 2100

_TRUE: Final = frozenset({"true", "1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no"})
_BOM: Final = "\ufeff"


@dataclass(slots=True)
class TsvImport:
    records: list[NaicsRecord]
    # (line, code) of rows skipped because the code appeared earlier.
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    # code -> line of the row it was read from, for later error reports.
    lines: dict[str, int] = field(default_factory=dict)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            path, line, None, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(path, line, None, "contains a NUL byte; this looks like a binary file")
    return text.removeprefix(_BOM)


def _header(path: Path, cells: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, raw in enumerate(cells):
        name = raw.strip().lower()
        if not name:
            raise ImportFileError(path, 1, None, f"header cell {index + 1} is empty")
        if name not in COLUMNS:
            raise ImportFileError(
                path, 1, raw.strip(), f"unknown column (known columns: {', '.join(COLUMNS)})"
            )
        if name in positions:
            raise ImportFileError(path, 1, name, "column appears twice in the header")
        positions[name] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise ImportFileError(path, 1, None, f"header lacks required column(s): {', '.join(missing)}")
    return positions


def _parse_bool(value: str) -> bool:
    folded = value.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"'{value}' is not a boolean (use TRUE/FALSE, true/false, 1/0 or yes/no)")


def _parse_year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise ValueError(f"year '{value}' is not an integer") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}..{MAX_YEAR}")
    return year


def read_tsv(path: str | PathLike[str]) -> TsvImport:
    """Parse and validate a TSV import file; raises ``ImportFileError`` on the first bad row."""
    path = Path(path)
    text = _decode(path)
    # newline="" lets csv see \r\n itself; quoted cells may then hold tabs
    # or line breaks, as spreadsheet exports write them.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=True)
    result = TsvImport(records=[])
    positions: dict[str, int] | None = None
    last_line = 0
    while True:
        line = last_line + 1  # a quoted cell may span lines; report where the row starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(path, reader.line_num, None, f"malformed TSV ({exc})") from exc
        last_line = reader.line_num
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise ImportFileError(
                    path,
                    line,
                    _column_name(positions, index),
                    f"cell has {len(cell):,} characters; the limit is {MAX_CELL_CHARS:,}",
                )
        if positions is None:
            if line != 1 or not any(c.strip() for c in cells):
                raise ImportFileError(path, line, None, "the first line must be the header row")
            positions = _header(path, cells)
            continue
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) > len(positions):
            raise ImportFileError(
                path, line, None, f"row has {len(cells)} cells but the header has {len(positions)}"
            )
        row = {name: (cells[i].strip() if i < len(cells) else "") for name, i in positions.items()}
        record = _record(path, line, row)
        if record.code in result.lines:
            result.duplicates.append((line, record.code))
            continue
        result.lines[record.code] = line
        result.records.append(record)
    if positions is None:
        raise ImportFileError(path, None, None, "file is empty; a header row is required")
    return result


def _column_name(positions: dict[str, int] | None, index: int) -> str | None:
    if positions is None:
        return None
    return next((name for name, i in positions.items() if i == index), None)


# Optional columns read into the record as they are parsed; a ValueError names the problem.
_PARSED_COLUMNS: Final[dict[str, Callable[[str], object]]] = {
    "category": parse_category,
    "is_active": _parse_bool,
    "year": _parse_year,
}


def _record(path: Path, line: int, row: dict[str, str]) -> NaicsRecord:
    def fail(column: str, reason: str) -> ImportFileError:
        return ImportFileError(path, line, column, reason)

    try:
        code = canonical_code(row["code"])
    except InvalidNaicsCode as exc:
        raise fail("code", exc.message) from exc
    title = " ".join(row["title"].split())
    if not title:
        raise fail("title", "title is empty")
    if len(title) > MAX_TITLE_CHARS:
        raise fail("title", f"title has {len(title)} characters; the limit is {MAX_TITLE_CHARS}")
    extra: dict[str, object] = {"data_source": f"TSV import {path.name}"}
    if row.get("description"):
        extra["description"] = row["description"]
    for column, parse in _PARSED_COLUMNS.items():
        if row.get(column):
            try:
                extra[column] = parse(row[column])
            except ValueError as exc:
                raise fail(column, str(exc)) from exc
    if row.get("parent_code"):
        expected = parent_of(code)
        try:
            given = canonical_code(row["parent_code"])
        except InvalidNaicsCode as exc:
            raise fail("parent_code", exc.message) from exc
        if expected is None:
            raise fail("parent_code", f"code '{code}' is a sector and has no parent, got '{given}'")
        if given != expected:
            raise fail(
                "parent_code", f"parent_code '{given}' does not match the parent of '{code}', '{expected}'"
            )
    return NaicsRecord.build(code, title, **extra)


SAMPLE_ROWS: Final[tuple[tuple[str, ...], ...]] = (
    (
        "11",
        "Agriculture, Forestry, Fishing and Hunting",
        "Establishments primarily engaged in growing crops, raising animals, harvesting timber, "
        "and harvesting fish and other animals from a farm, ranch, or their natural habitats.",
        "agriculture",
        "",
        "TRUE",
        "2022",
    ),
    (
        "111",
        "Crop Production",
        "Establishments primarily engaged in growing crops mainly for food and fiber.",
        "agriculture",
        "11",
        "TRUE",
        "2022",
    ),
    (
        "541511",
        "Custom Computer Programming Services",
        "Writing, modifying, testing, and supporting software to meet the needs of a particular customer.",
        "technology",
        "5415",
        "TRUE",
        "2022",
    ),
)


def write_sample_tsv(path: str | PathLike[str]) -> Path:
    """Write the seed's sample TSV (header plus three rows) to ``path``."""
    path = Path(path)
    lines = ["\t".join(COLUMNS), *("\t".join(row) for row in SAMPLE_ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
