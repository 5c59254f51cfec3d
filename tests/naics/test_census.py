from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from app.naics.categories import Category
from app.naics.census import CensusBundle, CensusKind, load_census
from app.naics.cleaning import clean_title
from app.naics.codes import SECTORS
from app.naics.import_errors import ImportFileError
from app.naics.importing import FileFormat, detect_format, read_import_files


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


CODES_ROWS = [
    ("Seq. No.", "2022 NAICS US   Code", "2022 NAICS US Title"),
    (1, 11, "Agriculture, Forestry, Fishing and Hunting"),
    (2, 111, "Crop Production "),
    (3, 1111, "Oilseed and Grain Farming"),
    (4, 11111, "Soybean Farming"),
    (5, 111110, "Soybean Farming"),
    (6, "31-33", "Manufacturing"),
    (7, 336, "Transportation Equipment Manufacturing"),
]
DESCRIPTION_ROWS = [
    ("Code", "Title", "Description"),
    (11, "Agriculture, Forestry, Fishing and HuntingT", "The Sector as a Whole\n\nFarms."),
    (111, "Crop ProductionT", "Crops. Beverages are classified in Subsector 312, Beverages."),
    (1111, "Oilseed and Grain FarmingT", "Oilseeds.\n"),
    (11111, "Soybean FarmingT", "See industry description for 111110."),
    (111110, "Soybean Farming", "Soybeans.\n\nCross-References. Establishments primarily engaged in--"),
    ("31-33", "ManufacturingT", "Making things, unlike Sector 11."),
    (336, "Transportation Equipment ManufacturingT", "Vehicles."),
]
INDEX_ROWS = [
    ("NAICS22", "INDEX ITEM DESCRIPTION"),
    (111110, "Soybean farming, field and seed production"),
    (111110, "Soybeans, growing "),
    (111110, "soybeans, growing"),
    (336, "Not a six-digit code"),
    ("******", "Consultants -- see specific activity "),
]


@pytest.fixture
def small_census(tmp_path: Path) -> list[Path]:
    # Deliberately misleading names: recognition is by header.
    return [
        write_xlsx(tmp_path / "b.xlsx", INDEX_ROWS),
        write_xlsx(tmp_path / "codes.xlsx", DESCRIPTION_ROWS),
        write_xlsx(tmp_path / "a.xlsx", CODES_ROWS),
    ]


def test_small_files_are_recognised_by_header(small_census: list[Path]) -> None:
    files = load_census(small_census).stats.files
    assert files == {
        CensusKind.INDEX: str(small_census[0]),
        CensusKind.DESCRIPTIONS: str(small_census[1]),
        CensusKind.CODES: str(small_census[2]),
    }


def test_small_files_merge(small_census: list[Path]) -> None:
    bundle = load_census(small_census)
    by_code = {r.code: r for r in bundle.records}
    assert sorted(by_code) == ["11", "111", "1111", "111110", "31", "336"]
    assert by_code["111"].title == "Crop Production"  # codes-file title, trailing space gone
    assert by_code["31"].title == "Manufacturing"
    assert by_code["336"].parent_code == "31"
    assert by_code["111110"].description == "Soybeans."
    assert by_code["111110"].keywords == ["Soybean farming, field and seed production", "Soybeans, growing"]
    assert by_code["111110"].examples == "Soybean farming, field and seed production; Soybeans, growing"
    assert by_code["111110"].category is Category.AGRICULTURE
    # Subsector 312 is not in these files, so it is not a cross reference.
    assert by_code["111"].cross_references == []
    assert by_code["31"].cross_references == ["11"]
    assert bundle.stats.skipped == {
        "codes:five_digit": 1,
        "descriptions:five_digit": 1,
        "index:placeholder": 1,
        "index:unknown_code": 1,
        "index:duplicate_item": 1,
    }
    assert bundle.stats.index_items_attached == 2
    assert bundle.summary is None and bundle.summary_mismatches() == []


def test_descriptions_alone_give_titles_without_the_marker(tmp_path: Path) -> None:
    bundle = load_census([write_xlsx(tmp_path / "d.xlsx", DESCRIPTION_ROWS)])
    titles = {r.code: r.title for r in bundle.records}
    assert titles["11"] == "Agriculture, Forestry, Fishing and Hunting"
    assert titles["31"] == "Manufacturing"


def test_bad_code_reports_file_line_and_column(tmp_path: Path) -> None:
    rows = [*CODES_ROWS[:3], (3, "11A1", "Broken")]
    path = write_xlsx(tmp_path / "codes.xlsx", rows)
    with pytest.raises(ImportFileError) as info:
        load_census([path])
    assert (info.value.line, info.value.column) == (4, "2022 NAICS US Code")
    assert str(info.value).endswith("codes.xlsx:4: column '2022 NAICS US Code': code '11A1' has letters")


def test_unknown_workbook_and_second_file_of_a_kind(tmp_path: Path) -> None:
    other = write_xlsx(tmp_path / "budget.xlsx", [("Month", "Amount"), ("Jan", 3)])
    with pytest.raises(ImportFileError, match="not a recognised Census NAICS workbook"):
        load_census([other])
    one = write_xlsx(tmp_path / "one.xlsx", CODES_ROWS)
    two = write_xlsx(tmp_path / "two.xlsx", CODES_ROWS)
    with pytest.raises(ImportFileError, match="a second Census codes file"):
        load_census([one, two])
    index = write_xlsx(tmp_path / "index.xlsx", INDEX_ROWS)
    with pytest.raises(ImportFileError, match="needs the codes or the descriptions file"):
        load_census([index])


def test_corrupt_xlsx_is_an_import_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(ImportFileError, match="not a readable xlsx"):
        load_census([path])


def test_dispatch_detects_formats_in_any_order(small_census: list[Path], tmp_path: Path) -> None:
    tsv = tmp_path / "local.tsv"
    tsv.write_text(
        "code\ttitle\n111110\tSoybean Farming (local)\n541511\tCustom Programming\n", encoding="utf-8"
    )
    no_extension = tmp_path / "codes-export"
    no_extension.write_bytes(tsv.read_bytes())
    assert detect_format(tsv) is FileFormat.TSV
    assert detect_format(no_extension) is FileFormat.TSV
    assert detect_format(small_census[0]) is FileFormat.XLSX

    bundle = read_import_files([tsv, *small_census])
    by_code = {r.code: r for r in bundle.records}
    assert by_code["541511"].title == "Custom Programming"
    # The TSV title wins, the Census search terms stay.
    assert by_code["111110"].title == "Soybean Farming (local)"
    assert by_code["111110"].keywords[0] == "Soybean farming, field and seed production"
    assert by_code["111110"].description == "Soybeans."
    assert bundle.overridden_by_tsv == ["111110"]
    assert {r.code for r in read_import_files([*reversed(small_census), tsv]).records} == set(by_code)


def test_dispatch_first_tsv_wins_across_files(tmp_path: Path) -> None:
    first = tmp_path / "first.tsv"
    second = tmp_path / "second.tsv"
    first.write_text("code\ttitle\n54\tFirst\n", encoding="utf-8")
    second.write_text("code\ttitle\n541\tScience\n54\tSecond\n", encoding="utf-8")
    bundle = read_import_files([first, second])
    assert {r.code: r.title for r in bundle.records} == {"54": "First", "541": "Science"}
    assert bundle.tsv_duplicates == [(str(second), 3, "54")]


def test_dispatch_rejects_unknown_formats(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# some notes\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="unknown format") as info:
        read_import_files([notes])
    assert info.value.file == str(notes)
    with pytest.raises(ImportFileError, match="no such file"):
        read_import_files([tmp_path / "missing.tsv"])
    with pytest.raises(ImportFileError, match="no import files"):
        read_import_files([])


# --- the official Census files (skipped when ../shared/naics is absent) ---


@pytest.mark.census
def test_real_files_are_recognised_by_header(
    census_files: dict[str, Path], census_bundle: CensusBundle
) -> None:
    files = census_bundle.stats.files
    assert {str(kind): Path(path) for kind, path in files.items()} == census_files


@pytest.mark.census
def test_real_files_give_the_published_counts(census_bundle: CensusBundle) -> None:
    assert census_bundle.level_counts() == {2: 20, 3: 96, 4: 308, 6: 1012}
    assert {r.code for r in census_bundle.records if r.level == 2} == set(SECTORS)
    assert census_bundle.summary is not None
    assert census_bundle.summary.five_digit_industries == 689
    assert census_bundle.summary_mismatches() == []
    stats = census_bundle.stats
    assert stats.skipped["codes:five_digit"] == 689
    assert stats.skipped["index:placeholder"] == 25
    assert stats.index_items_attached >= 20_000


@pytest.mark.census
def test_real_files_records_are_usable(census_bundle: CensusBundle) -> None:
    by_code = {r.code: r for r in census_bundle.records}
    six = [r for r in census_bundle.records if r.level == 6]
    assert all(r.description and r.description.strip() for r in six)
    assert not any(r.description and r.description.endswith("--") for r in census_bundle.records)
    assert all(r.title and not r.title.endswith(" ") for r in census_bundle.records)
    assert by_code["31"].title == "Manufacturing"
    assert by_code["44"].title == "Retail Trade"
    assert by_code["48"].title == "Transportation and Warehousing"
    assert by_code["336110"].parent_code == "3361"
    assert by_code["336"].parent_code == "31"
    software = by_code["541511"]
    assert software.category is Category.TECHNOLOGY
    assert "Computer programming services, custom" in software.keywords
    assert software.examples and software.examples.count("; ") == 2
    assert by_code["513210"].category is Category.TECHNOLOGY
    assert by_code["311"].cross_references == ["312"]
    # Every cross reference points at a code of the catalogue.
    assert all(ref in by_code for r in census_bundle.records for ref in r.cross_references)


@pytest.mark.census
def test_table_marker_cleaning_never_damages_a_real_title(census_files: dict[str, Path]) -> None:
    def titles(path: Path, code_col: int, title_col: int) -> dict[str, str]:
        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))[1:]
        workbook.close()
        return {str(row[code_col]): row[title_col] for row in rows}

    official = titles(census_files["codes"], 1, 2)
    marked = titles(census_files["descriptions"], 0, 1)
    assert official.keys() == marked.keys()
    assert sum(1 for t in marked.values() if t.endswith("T")) > 700  # the quirk is real
    for code, title in marked.items():
        assert clean_title(title) == " ".join(official[code].split()), code
