from __future__ import annotations

import pickle

import pytest

from app.naics.codes import (
    SECTORS,
    Hierarchy,
    InvalidNaicsCode,
    ancestors,
    canonical_code,
    canonical_sector,
    denormalised,
    display_code,
    hierarchy,
    normalise_code,
    parent_of,
    resolve_sector_alias,
    sector_of,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("54", "54"),
        ("541", "541"),
        ("5415", "5415"),
        ("541511", "541511"),
        ("  541511 ", "541511"),
        ("\t54\n", "54"),
        ("31-33", "31"),
        ("44-45", "44"),
        (" 48-49 ", "48"),
        ("32", "32"),
        ("33", "33"),
        ("45", "45"),
        ("49", "49"),
    ],
)
def test_normalise_code_accepts(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("AB12", "not_digits"),
        ("54a", "not_digits"),
        ("54.15", "not_digits"),
        ("5415 11", "not_digits"),
        ("\uff15\uff14", "not_digits"),  # full-width digits are not ASCII digits
        ("+54", "not_digits"),
        ("5", "bad_length"),
        ("54151", "bad_length"),
        ("5415111", "bad_length"),
        ("12-34", "bad_range"),
        ("31-34", "bad_range"),
        ("33-31", "bad_range"),
        ("54-11", "bad_range"),
        ("541-511", "bad_range"),
        ("-54", "bad_range"),
    ],
)
def test_normalise_code_rejects_with_rule(raw: str, rule: str) -> None:
    with pytest.raises(InvalidNaicsCode) as info:
        normalise_code(raw)
    assert info.value.rule == rule
    assert str(info.value)  # a human message


def test_letters_message_names_the_code() -> None:
    with pytest.raises(InvalidNaicsCode, match="code 'AB12' has letters"):
        normalise_code("AB12")


def test_invalid_code_is_a_value_error_and_pickles() -> None:
    try:
        normalise_code("12345")
    except ValueError as exc:
        copy = pickle.loads(pickle.dumps(exc))
        assert isinstance(copy, InvalidNaicsCode)
        assert copy.rule == "bad_length"
    else:
        pytest.fail("5-digit code accepted")


@pytest.mark.parametrize(("code", "level"), [("54", 2), ("541", 3), ("5415", 4), ("541511", 6), ("31-33", 2)])
def test_the_level_is_the_digit_count(code: str, level: int) -> None:
    assert denormalised(code).level == level


@pytest.mark.parametrize("code", ["1", "12345", "1234567", "12345678"])
def test_lengths_outside_the_hierarchy_are_refused(code: str) -> None:
    with pytest.raises(InvalidNaicsCode) as info:
        denormalised(code)
    assert info.value.rule == "bad_length"


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        ("541511", "5415"),
        ("5415", "541"),
        ("541", "54"),
        ("54", None),
        ("336110", "3361"),
        ("336", "31"),  # a subsector's parent is its real, canonical sector
        ("321", "31"),
        ("311", "31"),
        ("452", "44"),
        ("493", "48"),
        ("31-33", None),
        ("33", None),
    ],
)
def test_parent_of(code: str, parent: str | None) -> None:
    assert parent_of(code) == parent


def test_sector_aliases_resolve_to_canonical_sector() -> None:
    assert [canonical_sector(s) for s in ("31", "32", "33", "31-33")] == ["31"] * 4
    assert [canonical_sector(s) for s in ("44", "45", "44-45")] == ["44"] * 3
    assert [canonical_sector(s) for s in ("48", "49", "48-49")] == ["48"] * 3
    assert canonical_sector("54") == "54"
    with pytest.raises(InvalidNaicsCode):
        canonical_sector("541")


def test_resolve_sector_alias_leaves_other_codes_alone() -> None:
    assert resolve_sector_alias("32") == "31"
    assert resolve_sector_alias("49") == "48"
    assert resolve_sector_alias("45") == "44"
    assert resolve_sector_alias("336") == "336"  # 3-digit codes are real codes, not aliases
    assert resolve_sector_alias("54") == "54"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [(" 32 ", "31"), ("33", "31"), ("31-33", "31"), ("45", "44"), ("49", "48"), ("541511", "541511")],
)
def test_canonical_code(raw: str, canonical: str) -> None:
    assert canonical_code(raw) == canonical


def test_sector_of_and_display() -> None:
    assert sector_of("336111") == "31"
    assert sector_of("336") == "31"
    assert sector_of("454110") == "44"
    assert sector_of("493110") == "48"
    assert sector_of("541511") == "54"
    assert display_code("31") == "31-33"
    assert display_code("33") == "31-33"
    assert display_code("44") == "44-45"
    assert display_code("48") == "48-49"
    assert display_code("54") == "54"


def test_there_are_twenty_canonical_sectors() -> None:
    assert len(SECTORS) == 20
    assert all(canonical_sector(s) == s for s in SECTORS)


def test_ancestors_and_hierarchy() -> None:
    assert ancestors("541511") == ["54", "541", "5415"]
    assert ancestors("5415") == ["54", "541"]
    assert ancestors("541") == ["54"]
    assert ancestors("54") == []
    assert ancestors("336110") == ["31", "336", "3361"]
    assert hierarchy("541511") == ["54", "541", "5415", "541511"]
    assert hierarchy("32") == ["31"]
    assert hierarchy("44-45") == ["44"]


def test_relations_treat_sector_aliases_as_the_same_sector() -> None:
    assert parent_of("336") == canonical_code("33") == canonical_code("31-33")
    assert "31" in ancestors("336110") and canonical_code("32") == "31"
    assert parent_of("336") != canonical_code("44")


def test_relations_reject_invalid_codes() -> None:
    with pytest.raises(InvalidNaicsCode):
        parent_of("54151")


def test_denormalised_matches_the_seed_example() -> None:
    assert denormalised("541511") == Hierarchy(
        code="541511",
        level=6,
        parent_code="5415",
        sector="54",
        subsector="541",
        industry_group="5415",
        industry_detail="541511",
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("54", ("54", 2, None, "54", None, None, None)),
        ("541", ("541", 3, "54", "54", "541", None, None)),
        ("5415", ("5415", 4, "541", "54", "541", "5415", None)),
        ("31-33", ("31", 2, None, "31", None, None, None)),
        ("336", ("336", 3, "31", "31", "336", None, None)),
    ],
)
def test_denormalised_levels(code: str, expected: tuple[object, ...]) -> None:
    h = denormalised(code)
    assert (
        h.code,
        h.level,
        h.parent_code,
        h.sector,
        h.subsector,
        h.industry_group,
        h.industry_detail,
    ) == expected
    # Columns are VARCHAR(6) / VARCHAR(2): a stored value can never be a range.
    assert len(h.code) <= 6 and h.code.isdigit()
    assert len(h.sector) == 2 and h.sector.isdigit()
