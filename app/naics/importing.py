"""Read any mix of import files (TSV and Census xlsx) given in any order.

Precedence when several files define the same code:
- Census files are merged by kind (codes, descriptions, index, summary), so
  their order on the command line does not matter;
- TSV rows override Census rows (keeping the Census description, keywords,
  examples and cross-references where the TSV gives none): a hand-written TSV is a deliberate local
  correction of the official baseline (and the seed says an import updates
  an existing code);
- between TSV files, as within one, the first occurrence wins.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import Final

import msgspec

from app.naics.census import CensusBundle, load_census
from app.naics.import_errors import ImportFileError
from app.naics.records import NaicsRecord
from app.naics.tsv import read_tsv

TSV_SUFFIXES: Final = frozenset({".tsv", ".tab", ".txt"})
XLSX_SUFFIXES: Final = frozenset({".xlsx", ".xlsm"})
_SNIFF_BYTES: Final = 4096


class FileFormat(StrEnum):
    TSV = "tsv"
    XLSX = "xlsx"


@dataclass(slots=True)
class ImportBundle:
    records: list[NaicsRecord]
    census: CensusBundle | None = None
    tsv_files: list[str] = field(default_factory=list)
    # (file, line, code) of TSV rows skipped because the code came earlier.
    tsv_duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    # Codes where a TSV row replaced the Census row.
    overridden_by_tsv: list[str] = field(default_factory=list)


def detect_format(path: str | PathLike[str]) -> FileFormat:
    """TSV or xlsx, by extension, else by content; ``ImportFileError`` otherwise."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path, None, None, "no such file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return FileFormat.XLSX
    if suffix in TSV_SUFFIXES:
        return FileFormat.TSV
    # Unknown extension (or none): an xlsx is a zip; a TSV has a tab in its header.
    if zipfile.is_zipfile(path):
        return FileFormat.XLSX
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    first_line = head.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf").lower()
    if b"\t" in first_line and b"code" in first_line:
        return FileFormat.TSV
    raise ImportFileError(
        path, None, None, "unknown format: expected a TSV with a header row or a Census NAICS .xlsx file"
    )


def _keep_census_extras(tsv: NaicsRecord, census: NaicsRecord) -> NaicsRecord:
    # The TSV format has no keyword/example/cross-reference columns, and an
    # empty description cell means "not given": overriding a title must not
    # throw away the Census Bureau's search terms.
    return msgspec.structs.replace(
        tsv,
        description=tsv.description if tsv.description is not None else census.description,
        keywords=tsv.keywords or list(census.keywords),
        index_keywords=tsv.index_keywords or list(census.index_keywords),
        aliases=tsv.aliases or list(census.aliases),
        examples=tsv.examples if tsv.examples is not None else census.examples,
        cross_references=tsv.cross_references or list(census.cross_references),
    )


def read_import_files(paths: Iterable[str | PathLike[str]]) -> ImportBundle:
    """Detect each file's format, read them all and merge the records."""
    census_paths: list[Path] = []
    tsv_paths: list[Path] = []
    for raw in paths:
        path = Path(raw)
        (census_paths if detect_format(path) is FileFormat.XLSX else tsv_paths).append(path)
    if not census_paths and not tsv_paths:
        raise ImportFileError("<command line>", None, None, "no import files given")

    census = load_census(census_paths) if census_paths else None
    merged: dict[str, NaicsRecord] = {r.code: r for r in census.records} if census else {}
    bundle = ImportBundle(records=[], census=census)
    tsv_codes: set[str] = set()
    for path in tsv_paths:
        result = read_tsv(path)
        bundle.tsv_files.append(str(path))
        bundle.tsv_duplicates.extend((str(path), line, code) for line, code in result.duplicates)
        for record in result.records:
            if record.code in tsv_codes:
                bundle.tsv_duplicates.append((str(path), result.lines[record.code], record.code))
                continue
            tsv_codes.add(record.code)
            previous = merged.get(record.code)
            if previous is not None:
                bundle.overridden_by_tsv.append(record.code)
                record = _keep_census_extras(record, previous)
            merged[record.code] = record
    bundle.records = list(merged.values())
    return bundle
