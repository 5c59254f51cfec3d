"""Read the Census Bureau's official NAICS 2022 xlsx files.

Files are recognised by their header row, not their name: users rename
downloads, and the header is what the parser depends on. Four kinds:

- codes        Seq. No. | 2022 NAICS US Code | 2022 NAICS US Title
- descriptions Code | Title | Description
- index        NAICS22 | INDEX ITEM DESCRIPTION
- structure    Sector | Name | Subsectors (3-digit) | ...  (summary counts)

``load_census`` merges whichever are given into records for levels 2, 3, 4
and 6. The structure summary holds no codes; it is read only to check the
merged catalogue's counts against the Census Bureau's own totals.

Index items ("Soybean farming, field and seed production") are the Census
Bureau's own search terms: all of a code's items become its keywords (and its
``index_keywords``, so a later index import knows which keywords to replace),
in file order. ``examples`` is the description's "Illustrative Examples" list
where it has one, else the first ``EXAMPLES_PER_CODE`` index items.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import starmap
from os import PathLike
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

import openpyxl

from app.naics.cleaning import clean_description, clean_title, illustrative_examples, is_index_placeholder
from app.naics.codes import VALID_LEVELS, InvalidNaicsCode, canonical_code
from app.naics.import_errors import ImportFileError
from app.naics.records import NaicsRecord
from app.naics.tsv import MAX_TITLE_CHARS

EXAMPLES_PER_CODE: Final = 3
DATA_SOURCE: Final = "Census NAICS 2022 files"
# Headers are looked for in the first rows only; a data row never matches.
_HEADER_SEARCH_ROWS: Final = 5


class CensusKind(StrEnum):
    CODES = "codes"
    DESCRIPTIONS = "descriptions"
    INDEX = "index"
    STRUCTURE = "structure"


# Leading header cells per kind, as regexes on the whitespace-collapsed,
# lower-cased cell (the codes file spells "2022 NAICS US   Code" with three
# spaces). The year is a pattern so the next edition's files are recognised.
_HEADER_PATTERNS: Final[dict[CensusKind, tuple[re.Pattern[str], ...]]] = {
    CensusKind.CODES: (
        re.compile(r"seq\.? ?no\.?"),
        re.compile(r"\d{4} naics us code"),
        re.compile(r"\d{4} naics us title"),
    ),
    CensusKind.DESCRIPTIONS: (re.compile(r"code"), re.compile(r"title"), re.compile(r"description")),
    CensusKind.INDEX: (re.compile(r"naics\d{2}"), re.compile(r"index item description")),
    CensusKind.STRUCTURE: (
        re.compile(r"sector"),
        re.compile(r"name"),
        re.compile(r"subsectors \(3-digit\)"),
    ),
}


class RowSource(NamedTuple):
    file: str
    line: int


class CodeRow(NamedTuple):
    """A row of the codes file (Seq. No., Code, Title), codes as text."""

    source: RowSource
    code: str
    title: str

    @classmethod
    def of(cls, source: RowSource, cells: tuple[object, ...]) -> CodeRow:
        return cls(source, _cell_text(cells[1]), _cell_text(cells[2]))


class DescriptionRow(NamedTuple):
    """A row of the descriptions file (Code, Title, Description), raw text."""

    source: RowSource
    code: str
    title: str
    description: str | None

    @classmethod
    def of(cls, source: RowSource, cells: tuple[object, ...]) -> DescriptionRow:
        description = cells[2] if len(cells) > 2 else None
        return cls(
            source,
            _cell_text(cells[0]),
            _cell_text(cells[1]),
            str(description) if description is not None else None,
        )


class IndexRow(NamedTuple):
    """A row of the index file (NAICS22, INDEX ITEM DESCRIPTION)."""

    source: RowSource
    code: str
    item: str

    @classmethod
    def of(cls, source: RowSource, cells: tuple[object, ...]) -> IndexRow:
        return cls(source, _cell_text(cells[0]), " ".join(_cell_text(cells[1]).split()))


@dataclass(frozen=True, slots=True)
class StructureSummary:
    """The totals row of the structure summary table."""

    sectors: int
    subsectors: int
    industry_groups: int
    five_digit_industries: int
    national_industries: int


_Row = TypeVar("_Row", CodeRow, DescriptionRow)


@dataclass(slots=True)
class CensusStats:
    files: dict[CensusKind, str] = field(default_factory=dict)
    rows_read: Counter[CensusKind] = field(default_factory=Counter)
    # "kind:reason" -> rows skipped, e.g. "codes:five_digit", "index:placeholder",
    # "index:unknown_code", "index:duplicate_item", "descriptions:unknown_code",
    # "codes:duplicate_code", "index:blank_row".
    skipped: Counter[str] = field(default_factory=Counter)
    index_items_attached: int = 0
    cross_references_dropped: int = 0


@dataclass(slots=True)
class CensusBundle:
    records: list[NaicsRecord]
    stats: CensusStats
    summary: StructureSummary | None = None

    @property
    def has_index(self) -> bool:
        """True when an index file was read: its items replace the previous index keywords."""
        return CensusKind.INDEX in self.stats.files

    def level_counts(self) -> dict[int, int]:
        counts = Counter(r.level for r in self.records)
        return {level: counts.get(level, 0) for level in VALID_LEVELS}

    def summary_mismatches(self) -> list[str]:
        """Where the records disagree with the structure summary (empty when none given)."""
        if self.summary is None:
            return []
        got = self.level_counts()
        expected = {
            2: self.summary.sectors,
            3: self.summary.subsectors,
            4: self.summary.industry_groups,
            6: self.summary.national_industries,
        }
        return [
            f"level {level}: {got[level]} records, structure summary says {expected[level]}"
            for level in VALID_LEVELS
            if got[level] != expected[level]
        ]


def _header_key(value: object) -> str:
    return " ".join(str(value).split()).lower() if value is not None else ""


def _kind_of_header(row: Sequence[object]) -> CensusKind | None:
    cells = [_header_key(v) for v in row]
    for kind, patterns in _HEADER_PATTERNS.items():
        if len(cells) >= len(patterns) and all(p.fullmatch(c) for p, c in zip(patterns, cells, strict=False)):
            return kind
    return None


def _open(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(path, None, None, f"not a readable xlsx workbook ({exc})") from exc


def _rows(path: Path) -> Iterator[tuple[int, tuple[object, ...]]]:
    workbook = _open(path)
    try:
        sheet = workbook.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, tuple(row)
    finally:
        workbook.close()


def sheet_kind(rows: Sequence[tuple[int, tuple[object, ...]]]) -> CensusKind | None:
    """The kind of a Census workbook from its first rows' header, or None if not recognised."""
    return next((k for _, row in rows[:_HEADER_SEARCH_ROWS] if (k := _kind_of_header(row))), None)


def _cell_text(value: object) -> str:
    # Codes are stored as numbers in the Census sheets; 111110.0 must not
    # become "111110.0".
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _data_rows(
    path: Path,
    kind: CensusKind,
    stats: CensusStats,
    rows: Iterable[tuple[int, tuple[object, ...]]] | None = None,
) -> Iterator[tuple[RowSource, tuple[object, ...]]]:
    # One pass: find the header among the first rows, then yield what follows.
    header_found = False
    for line, row in rows if rows is not None else _rows(path):
        if not header_found:
            header_found = _kind_of_header(row) is kind
            if not header_found and line >= _HEADER_SEARCH_ROWS:
                break
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            stats.skipped[f"{kind}:blank_row"] += 1
            continue
        stats.rows_read[kind] += 1
        yield RowSource(str(path), line), row
    if not header_found:
        raise ImportFileError(path, None, None, f"not a Census {kind} file (header not recognised)")


def read_structure_summary(
    path: str | PathLike[str], all_rows: Iterable[tuple[int, tuple[object, ...]]] | None = None
) -> StructureSummary:
    """The Census totals from the structure summary table."""
    path = Path(path)
    all_rows = list(all_rows if all_rows is not None else _rows(path))
    header_line = next(
        (
            line
            for line, row in all_rows[:_HEADER_SEARCH_ROWS]
            if _kind_of_header(row) is CensusKind.STRUCTURE
        ),
        None,
    )
    if header_line is None:
        raise ImportFileError(path, None, None, "not a Census structure summary (header not recognised)")
    rows = [(line, row) for line, row in all_rows if line >= header_line]
    header = [_header_key(v) for v in rows[0][1]]
    # The 6-digit total sits under a second header row ("U.S. Detail",
    # "Same as 5-digit", "Total"); the first "total" cell there is it.
    sub_header = [_header_key(v) for v in rows[1][1]] if len(rows) > 1 else []
    try:
        col_sub = header.index("subsectors (3-digit)")
        col_groups = header.index("industry groups (4-digit)")
        col_five = header.index("naics industries (5-digit)")
        col_six = sub_header.index("total")
    except ValueError as exc:
        raise ImportFileError(
            path, header_line, None, f"unexpected structure summary layout ({exc})"
        ) from exc
    sectors = 0
    for line, row in rows[1:]:
        if _header_key(row[1] if len(row) > 1 else None) == "total":
            try:
                return StructureSummary(
                    sectors=sectors,
                    subsectors=int(row[col_sub]),  # type: ignore[call-overload]
                    industry_groups=int(row[col_groups]),  # type: ignore[call-overload]
                    five_digit_industries=int(row[col_five]),  # type: ignore[call-overload]
                    national_industries=int(row[col_six]),  # type: ignore[call-overload]
                )
            except (TypeError, ValueError) as exc:
                raise ImportFileError(path, line, None, f"totals row is not numeric ({exc})") from exc
        if row[0] is not None:
            sectors += 1
    raise ImportFileError(path, None, None, "structure summary has no 'Total' row")


def _code_or_skip(
    raw: str, source: RowSource, column: str, kind: CensusKind, stats: CensusStats
) -> str | None:
    # 5-digit NAICS industries are published but are not part of this
    # platform's hierarchy; ranges like "31-33" are also 5 characters long.
    if len(raw) == 5 and raw.isdigit():
        stats.skipped[f"{kind}:five_digit"] += 1
        return None
    try:
        return canonical_code(raw)
    except InvalidNaicsCode as exc:
        raise ImportFileError(source.file, source.line, column, exc.message) from exc


def _resolve_references(
    refs: Iterable[str], own_code: str, known: dict[str, Any], six_digit_by_prefix: dict[str, list[str]]
) -> tuple[list[str], int]:
    resolved: list[str] = []
    dropped = 0
    for ref in refs:
        if len(ref) == 5 and ref.isdigit():
            # A 5-digit industry is not a row here: point at its 6-digit industries.
            targets = six_digit_by_prefix.get(ref, [])
        else:
            try:
                targets = [canonical_code(ref)]
            except InvalidNaicsCode:
                targets = []
        targets = [t for t in targets if t in known and t != own_code]
        if not targets:
            dropped += 1
        resolved.extend(t for t in targets if t not in resolved)
    return resolved, dropped


def _new_codes(
    rows: Iterable[_Row], kind: CensusKind, column: str, stats: CensusStats, taken: Container[str]
) -> Iterator[tuple[str, _Row]]:
    """Each row's canonical code with the row, skipping 5-digit codes and codes already `taken`."""
    for row in rows:
        code = _code_or_skip(row.code, row.source, column, kind, stats)
        if code is None:
            continue
        if code in taken:
            stats.skipped[f"{kind}:duplicate_code"] += 1
            continue
        yield code, row


def _title(row: CodeRow | DescriptionRow, column: str) -> str:
    # Checked here, with the file and line, rather than failing later as a database error.
    title = clean_title(row.title)
    if not title:
        problem = "title is empty"
    elif len(title) > MAX_TITLE_CHARS:
        problem = f"title has {len(title):,} characters; the limit is {MAX_TITLE_CHARS}"
    else:
        return title
    raise ImportFileError(row.source.file, row.source.line, column, problem)


def load_census(paths: Iterable[str | PathLike[str]]) -> CensusBundle:
    """Merge Census files (any order, recognised by header) into records.

    Needs a codes or a descriptions file; the index and the structure summary
    only add to them. Titles come from the codes file when given (it has no
    table marker), descriptions from the descriptions file.
    """
    stats = CensusStats()
    files: dict[CensusKind, Path] = {}
    # Each workbook is read once: opening the index file costs more than
    # iterating it.
    sheets: dict[CensusKind, list[tuple[int, tuple[object, ...]]]] = {}
    for raw_path in paths:
        path = Path(raw_path)
        rows = list(_rows(path))
        kind = sheet_kind(rows)
        if kind is None:
            raise ImportFileError(path, None, None, "not a recognised Census NAICS workbook (unknown header)")
        if kind in files:
            raise ImportFileError(path, None, None, f"a second Census {kind} file (first: {files[kind]})")
        files[kind] = path
        sheets[kind] = rows
    stats.files = {kind: str(path) for kind, path in files.items()}
    if CensusKind.CODES not in files and CensusKind.DESCRIPTIONS not in files:
        first = next(iter(files.values()), Path("<no files>"))
        raise ImportFileError(first, None, None, "Census import needs the codes or the descriptions file")

    def data_rows(kind: CensusKind) -> Iterator[tuple[RowSource, tuple[object, ...]]]:
        return _data_rows(files[kind], kind, stats, sheets[kind])

    titles: dict[str, str] = {}
    if CensusKind.CODES in files:
        rows = starmap(CodeRow.of, data_rows(CensusKind.CODES))
        for code, row in _new_codes(rows, CensusKind.CODES, "2022 NAICS US Code", stats, titles):
            titles[code] = _title(row, "2022 NAICS US Title")

    descriptions: dict[str, tuple[str | None, list[str]]] = {}
    if CensusKind.DESCRIPTIONS in files:
        only_descriptions = CensusKind.CODES not in files
        drows = starmap(DescriptionRow.of, data_rows(CensusKind.DESCRIPTIONS))
        for code, drow in _new_codes(drows, CensusKind.DESCRIPTIONS, "Code", stats, descriptions):
            if only_descriptions:
                titles[code] = _title(drow, "Title")
            elif code not in titles:
                stats.skipped["descriptions:unknown_code"] += 1
                continue
            descriptions[code] = clean_description(drow.description)

    keywords: dict[str, list[str]] = {}
    if CensusKind.INDEX in files:
        seen: dict[str, set[str]] = {}
        for irow in starmap(IndexRow.of, data_rows(CensusKind.INDEX)):
            if is_index_placeholder(irow.code):
                stats.skipped["index:placeholder"] += 1
                continue
            if irow.code not in titles or len(irow.code) != 6:
                stats.skipped["index:unknown_code"] += 1
                continue
            folded = irow.item.casefold()
            if not irow.item or folded in seen.setdefault(irow.code, set()):
                stats.skipped["index:duplicate_item"] += 1
                continue
            seen[irow.code].add(folded)
            keywords.setdefault(irow.code, []).append(irow.item)
            stats.index_items_attached += 1

    six_digit_by_prefix: dict[str, list[str]] = {}
    for code in titles:
        if len(code) == 6:
            six_digit_by_prefix.setdefault(code[:5], []).append(code)

    source = f"{DATA_SOURCE} ({', '.join(sorted(p.name for p in files.values()))})"
    records: list[NaicsRecord] = []
    for code, title in titles.items():
        description, refs = descriptions.get(code, (None, []))
        cross_references, dropped = _resolve_references(refs, code, titles, six_digit_by_prefix)
        stats.cross_references_dropped += dropped
        items = keywords.get(code, [])
        examples = illustrative_examples(description) or items[:EXAMPLES_PER_CODE]
        records.append(
            NaicsRecord.build(
                code,
                title,
                description=description,
                keywords=list(items),
                index_keywords=list(items),
                examples="; ".join(examples) or None,
                cross_references=cross_references,
                data_source=source,
            )
        )

    summary = (
        read_structure_summary(files[CensusKind.STRUCTURE], sheets[CensusKind.STRUCTURE])
        if CensusKind.STRUCTURE in files
        else None
    )
    return CensusBundle(records=records, stats=stats, summary=summary)
