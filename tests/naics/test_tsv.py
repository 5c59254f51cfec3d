from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from app.naics.categories import Category
from app.naics.import_errors import ImportFileError
from app.naics.tsv import MAX_CELL_CHARS, read_tsv, write_sample_tsv

HEADER = "code\ttitle\tdescription\tcategory\tparent_code\tis_active\tyear"


def write(tmp_path: Path, text: str, name: str = "data.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def error_of(path: Path) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        read_tsv(path)
    return info.value


def test_error_message_format(tmp_path: Path) -> None:
    path = write(tmp_path, "code\ttitle\n54\tProfessional\n541\tx\n5415\tx\n541511\tx\n11\tx\nAB12\tx\n")
    error = error_of(path)
    assert (error.line, error.column) == (7, "code")
    assert str(error).endswith("data.tsv:7: column 'code': code 'AB12' has letters")
    assert pickle.loads(pickle.dumps(error)).line == 7


def test_sample_file_is_valid_and_matches_the_seed(tmp_path: Path) -> None:
    path = write_sample_tsv(tmp_path / "sample.tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    records = read_tsv(path).records
    assert [r.code for r in records] == ["11", "111", "541511"]
    assert [r.category for r in records] == [Category.AGRICULTURE, Category.AGRICULTURE, Category.TECHNOLOGY]
    assert records[2].parent_code == "5415"
    assert all(r.is_active and r.year == 2022 and r.description for r in records)


def test_minimal_file_derives_hierarchy_category_and_defaults(tmp_path: Path) -> None:
    text = "code\ttitle\n541511\t  Custom   Computer Programming Services \n31-33\tManufacturing\n"
    path = write(tmp_path, text)
    software, manufacturing = read_tsv(path).records
    assert software.title == "Custom Computer Programming Services"
    assert (software.level, software.parent_code, software.sector) == (6, "5415", "54")
    assert software.category is Category.TECHNOLOGY
    assert (software.is_active, software.year, software.description) == (True, 2022, None)
    assert software.data_source == "TSV import data.tsv"
    assert manufacturing.code == "31"


def test_columns_in_any_order_and_any_case(tmp_path: Path) -> None:
    path = write(tmp_path, "Year\tTITLE\tCode\tIs_Active\n2017\tSoftware\t513210\tno\n")
    (record,) = read_tsv(path).records
    assert (record.code, record.title, record.year, record.is_active) == ("513210", "Software", 2017, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("TRUE", True), ("FALSE", False), ("true", True), ("false", False), ("1", True), ("0", False),
     ("yes", True), ("no", False), ("Yes", True), ("", True)],
)  # fmt: skip
def test_is_active_values(tmp_path: Path, value: str, expected: bool) -> None:
    path = write(tmp_path, f"code\ttitle\tis_active\n54\tProfessional\t{value}\n")
    assert read_tsv(path).records[0].is_active is expected


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "excel.tsv"
    path.write_bytes("\ufeffcode\ttitle\r\n54\tProfessional\r\n541\tScientific\r\n".encode())
    records = read_tsv(path).records
    assert [(r.code, r.title) for r in records] == [("54", "Professional"), ("541", "Scientific")]


def test_blank_lines_and_short_rows_are_tolerated(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n\n54\tProfessional\n\n541\tScientific\tDoes science\n")
    records = read_tsv(path).records
    assert [r.code for r in records] == ["54", "541"]
    assert records[1].description == "Does science"


def test_quoted_cell_with_tab_and_newline(tmp_path: Path) -> None:
    text = 'code\ttitle\tdescription\n54\tProfessional\t"line one\tstill\nline two"\n5\tbad\n'
    path = write(tmp_path, text)
    error = error_of(path)
    # the quoted cell spans lines 2-3, so the bad row is on line 4
    assert (error.line, error.column) == (4, "code")


def test_first_occurrence_wins_and_duplicates_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "code\ttitle\n54\tFirst\n541\tx\n54\tSecond\n31-33\tManufacturing\n32\tAlias\n")
    result = read_tsv(path)
    kept = [(r.code, r.title) for r in result.records]
    assert kept == [("54", "First"), ("541", "x"), ("31", "Manufacturing")]
    assert result.duplicates == [(4, "54"), (6, "31")]


@pytest.mark.parametrize(
    ("body", "line", "column", "reason"),
    [
        ("54\tOK\n5\tx\n", 3, "code", "has 1 digits"),
        ("54\tOK\n54151\tx\n", 3, "code", "has 5 digits"),
        ("54\tOK\n1234567\tx\n", 3, "code", "has 7 digits"),
        ("54\tOK\n54.1\tx\n", 3, "code", "other than digits"),
        ("54\tOK\n12-34\tx\n", 3, "code", "not a published sector range"),
        ("\tx\n", 2, "code", "code is empty"),
        ("54\t  \n", 2, "title", "title is empty"),
        ("54\tOK\textra\n", 2, None, "row has 3 cells but the header has 2"),
    ],
)
def test_row_errors_minimal_header(
    tmp_path: Path, body: str, line: int, column: str | None, reason: str
) -> None:
    error = error_of(write(tmp_path, "code\ttitle\n" + body))
    assert (error.line, error.column) == (line, column)
    assert reason in error.reason


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("541511\tx\t\ttech\t\t\t", "category", "'tech' is not one of"),
        ("541511\tx\t\t\t541\t\t", "parent_code", "does not match the parent of '541511', '5415'"),
        ("541511\tx\t\t\t54AB\t\t", "parent_code", "has letters"),
        ("54\tx\t\t\t5\t\t", "parent_code", "has 1 digits"),
        ("54\tx\t\t\t11\t\t", "parent_code", "is a sector and has no parent"),
        ("541511\tx\t\t\t\tmaybe\t", "is_active", "'maybe' is not a boolean"),
        ("541511\tx\t\t\t\t\t2022.5", "year", "not an integer"),
        ("541511\tx\t\t\t\t\t22", "year", "outside"),
    ],
)
def test_row_errors_full_header(tmp_path: Path, row: str, column: str, reason: str) -> None:
    error = error_of(write(tmp_path, f"{HEADER}\n54\tProfessional\t\t\t\t\t\n{row}\n"))
    assert (error.line, error.column) == (3, column)
    assert reason in error.reason


def test_parent_code_may_use_a_sector_alias(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n336\tTransportation Equipment\t\t\t33\t\t\n")
    assert read_tsv(path).records[0].parent_code == "31"


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"),
    [
        ("", None, None, "file is empty"),
        ("code\n54\n", 1, None, "lacks required column(s): title"),
        ("title\tdescription\nx\ty\n", 1, None, "lacks required column(s): code"),
        ("code\ttitle\tdescripton\n", 1, "descripton", "unknown column"),
        ("code\ttitle\tcode\n", 1, "code", "appears twice"),
        ("code\t\ttitle\n", 1, None, "header cell 2 is empty"),
        ("\ncode\ttitle\n54\tx\n", 1, None, "first line must be the header"),
        ("54\tProfessional\n", 1, "54", "unknown column"),  # no header row at all
    ],
)
def test_header_errors(tmp_path: Path, text: str, line: int | None, column: str | None, reason: str) -> None:
    error = error_of(write(tmp_path, text))
    assert (error.line, error.column) == (line, column)
    assert reason in error.reason


def test_binary_garbage_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_bytes(b"code\ttitle\n54\tProfessional\n541\t\xff\xfe garbage\n")
    error = error_of(path)
    assert error.line == 3
    assert "not UTF-8" in error.reason


def test_nul_bytes_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_bytes(b"code\ttitle\n54\tPro\x00fessional\n")
    error = error_of(path)
    assert error.line == 2
    assert "NUL" in error.reason


def test_huge_cell_is_an_error_with_its_column(tmp_path: Path) -> None:
    huge = "x" * (MAX_CELL_CHARS + 1)
    path = write(tmp_path, f"code\ttitle\tdescription\n54\tProfessional\tok\n541\tScience\t{huge}\n")
    error = error_of(path)
    assert (error.line, error.column) == (3, "description")
    assert "10,001 characters" in error.reason


def test_cell_at_the_limit_is_accepted(tmp_path: Path) -> None:
    text = "x" * MAX_CELL_CHARS
    path = write(tmp_path, f"code\ttitle\tdescription\n54\tProfessional\t{text}\n")
    assert read_tsv(path).records[0].description == text


def test_unterminated_quote_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, 'code\ttitle\n54\t"Professional\n')
    error = error_of(path)
    assert error.line is not None and error.line >= 2
    assert "malformed TSV" in error.reason
