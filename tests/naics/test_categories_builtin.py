from __future__ import annotations

from collections import Counter

import msgspec
import pytest

from app.naics.builtin import DATA_SOURCE, builtin_records
from app.naics.categories import (
    EXPERIENCE_SUGGESTIONS,
    PREFIX_CATEGORIES,
    SECTOR_CATEGORIES,
    Category,
    category_for,
    parse_category,
    suggested_categories,
)
from app.naics.codes import SECTORS, is_valid_code
from app.naics.records import NaicsRecord


def test_there_are_the_seeds_fourteen_categories() -> None:
    assert [c.value for c in Category] == [
        "technology",
        "education",
        "healthcare",
        "finance",
        "manufacturing",
        "retail",
        "hospitality",
        "construction",
        "agriculture",
        "transportation",
        "professional_services",
        "arts_entertainment",
        "public_administration",
        "general",
    ]


def test_mapping_data_is_well_formed() -> None:
    assert set(SECTOR_CATEGORIES) == set(SECTORS)
    for prefix in PREFIX_CATEGORIES:
        assert is_valid_code(prefix) and len(prefix) >= 3, prefix


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("513210", Category.TECHNOLOGY),
        ("541511", Category.TECHNOLOGY),
        ("541512", Category.TECHNOLOGY),
        ("5415", Category.TECHNOLOGY),
        ("518210", Category.TECHNOLOGY),
        ("519290", Category.TECHNOLOGY),
        ("517111", Category.TECHNOLOGY),
        ("519210", Category.ARTS_ENTERTAINMENT),  # longest prefix beats 519
        ("513110", Category.GENERAL),  # newspaper publishers stay in the sector default
        ("512110", Category.ARTS_ENTERTAINMENT),
        ("541110", Category.PROFESSIONAL_SERVICES),
        ("54", Category.PROFESSIONAL_SERVICES),
        ("111110", Category.AGRICULTURE),
        ("211120", Category.GENERAL),
        ("336110", Category.MANUFACTURING),
        ("32", Category.MANUFACTURING),
        ("31-33", Category.MANUFACTURING),
        ("423430", Category.RETAIL),
        ("445110", Category.RETAIL),
        ("493110", Category.TRANSPORTATION),
        ("522110", Category.FINANCE),
        ("531110", Category.FINANCE),
        ("561320", Category.PROFESSIONAL_SERVICES),
        ("562111", Category.GENERAL),
        ("611310", Category.EDUCATION),
        ("622110", Category.HEALTHCARE),
        ("711110", Category.ARTS_ENTERTAINMENT),
        ("722511", Category.HOSPITALITY),
        ("236115", Category.CONSTRUCTION),
        ("921110", Category.PUBLIC_ADMINISTRATION),
        ("811111", Category.GENERAL),
        ("99", Category.GENERAL),  # syntactically valid, unpublished sector
    ],
)
def test_category_for(code: str, category: Category) -> None:
    assert category_for(code) is category


def test_every_builtin_record_gets_a_category_from_the_mapping() -> None:
    records = builtin_records()
    sectors = {r.sector for r in records}
    assert sectors == set(SECTORS)
    assert sectors <= set(SECTOR_CATEGORIES)
    # Every prefix override names a code that exists in the catalogue.
    codes = {r.code for r in records}
    assert set(PREFIX_CATEGORIES) <= codes
    used = Counter(r.category for r in records)
    assert set(used) == set(Category)  # no category is dead data


def test_experience_suggestions_follow_the_seed() -> None:
    assert EXPERIENCE_SUGGESTIONS["education"] == (Category.EDUCATION, Category.PROFESSIONAL_SERVICES)
    assert EXPERIENCE_SUGGESTIONS["workplace"][:3] == (
        Category.TECHNOLOGY,
        Category.FINANCE,
        Category.HEALTHCARE,
    )
    assert set(EXPERIENCE_SUGGESTIONS["workplace"]) == set(Category)
    assert EXPERIENCE_SUGGESTIONS["skills"] == (Category.GENERAL,)
    assert suggested_categories(" Education ") == [Category.EDUCATION, Category.PROFESSIONAL_SERVICES]
    assert suggested_categories("volunteering") == [Category.GENERAL]


def test_parse_category() -> None:
    assert parse_category(" Technology ") is Category.TECHNOLOGY
    with pytest.raises(ValueError, match="'tech' is not one of: technology"):
        parse_category("tech")


def test_builtin_counts() -> None:
    records = builtin_records()
    assert len(records) == 1436
    assert Counter(r.level for r in records) == {2: 20, 3: 96, 4: 308, 6: 1012}
    assert len({r.code for r in records}) == 1436
    assert DATA_SOURCE == "Census NAICS 2022 files, shipped with the package"
    assert {r.data_source for r in records} == {DATA_SOURCE}


def test_builtin_hierarchy_is_closed_and_ranges_are_canonical() -> None:
    by_code = {r.code: r for r in builtin_records()}
    assert all(r.code.isdigit() and len(r.code) in (2, 3, 4, 6) for r in by_code.values())
    for record in by_code.values():
        if record.parent_code is not None:
            assert record.parent_code in by_code, record.code
    assert by_code["31"].title == "Manufacturing"
    assert by_code["44"].title == "Retail Trade"
    assert by_code["48"].title == "Transportation and Warehousing"
    assert not {"32", "33", "45", "49"} & by_code.keys()
    assert by_code["336"].parent_code == "31"
    assert by_code["541511"].title == "Custom Computer Programming Services"
    assert all(r.title == r.title.strip() and r.title for r in by_code.values())


def test_record_build_derives_hierarchy_and_category() -> None:
    record = NaicsRecord.build(" 31-33 ", "Manufacturing")
    assert (record.code, record.level, record.sector, record.category) == (
        "31",
        2,
        "31",
        Category.MANUFACTURING,
    )
    software = NaicsRecord.build("513210", "Software Publishers", keywords=["apps"])
    assert software.parent_code == "5132"
    assert software.category is Category.TECHNOLOGY
    assert software.keywords == ["apps"]
    overridden = NaicsRecord.build("513210", "Software Publishers", category="general")
    assert overridden.category is Category.GENERAL
    with pytest.raises(TypeError, match="parent_code"):
        NaicsRecord.build("513210", "x", parent_code="51")


def test_record_round_trips_through_json() -> None:
    record = NaicsRecord.build("541511", "Custom Computer Programming Services", keywords=["apps"])
    data = msgspec.json.encode(record)
    assert b'"category":"technology"' in data
    assert msgspec.json.decode(data, type=NaicsRecord) == record
