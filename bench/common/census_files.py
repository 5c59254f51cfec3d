"""Find the official Census NAICS workbooks by their header row, as the importer does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl

# First two header cells (whitespace-collapsed, lower-cased) of the files the benchmarks need.
_KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "codes": (re.compile(r"seq\.? ?no\.?"), re.compile(r"\d{4} naics us code")),
    "descriptions": (re.compile(r"code"), re.compile(r"title")),
    "index": (re.compile(r"naics\d{2}"), re.compile(r"index item description")),
}
HEADER_SEARCH_ROWS = 5


class CensusFilesMissing(FileNotFoundError):
    pass


@dataclass(frozen=True)
class CensusFiles:
    codes: Path
    descriptions: Path
    index: Path


def header_key(value: object) -> str:
    return " ".join(str(value).split()).lower() if value is not None else ""


def kind_of_row(row: tuple[object, ...]) -> str | None:
    cells = [header_key(v) for v in row[:2]]
    if len(cells) < 2:
        return None
    for kind, patterns in _KINDS.items():
        if all(p.fullmatch(c) for p, c in zip(patterns, cells, strict=True)):
            return kind
    return None


def sniff_kind(path: Path) -> str | None:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_row=HEADER_SEARCH_ROWS)
        for row in rows:
            kind = kind_of_row(tuple(row))
            if kind is not None:
                return kind
        return None
    finally:
        workbook.close()


def locate_census_files(directory: Path) -> CensusFiles:
    found: dict[str, Path] = {}
    for path in sorted(directory.glob("*.xlsx")) if directory.is_dir() else []:
        kind = sniff_kind(path)
        if kind is not None:
            found.setdefault(kind, path)
    missing = [kind for kind in _KINDS if kind not in found]
    if missing:
        raise CensusFilesMissing(
            f"official Census NAICS files not found in {directory} (missing: {', '.join(missing)}); "
            "set LEVELITH_SHARED_DIR to the folder that holds naics/"
        )
    return CensusFiles(found["codes"], found["descriptions"], found["index"])
