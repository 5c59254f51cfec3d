from __future__ import annotations

import pytest

from app.naics.cleaning import clean_description, clean_title, is_index_placeholder


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Crop ProductionT", "Crop Production"),
        ("Agriculture, Forestry, Fishing and HuntingT", "Agriculture, Forestry, Fishing and Hunting"),
        ("Oilseed and Grain FarmingT", "Oilseed and Grain Farming"),
        ("Oilseed (except Soybean) FarmingT", "Oilseed (except Soybean) Farming"),
        ("Other Services (except Public Administration)T", "Other Services (except Public Administration)"),
        ("International Affairs ", "International Affairs"),
        ("  Soybean   Farming ", "Soybean Farming"),
        ("Soybean Farming", "Soybean Farming"),
        # real uppercase endings are not the marker
        ("Managed IT", "Managed IT"),
        ("AT&T", "AT&T"),
        ("T", "T"),
    ],
)
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


def test_clean_description_drops_the_dangling_cross_reference_lead_in() -> None:
    raw = (
        "This U.S. industry comprises establishments primarily engaged in writing, modifying, testing, "
        "and supporting software to meet the needs of a particular customer.\n\n"
        "Cross-References. Establishments primarily engaged in--"
    )
    text, refs = clean_description(raw)
    assert text == (
        "This U.S. industry comprises establishments primarily engaged in writing, modifying, testing, "
        "and supporting software to meet the needs of a particular customer."
    )
    assert refs == []


@pytest.mark.parametrize(
    "tail",
    [
        "\n\nCross-References.",
        "\n\nCross-References. Government establishments primarily engaged in--",
        "\n\nCross-References.  Establishments primarily engaged in--  \n",
        "\n\nCross-references. Establishments primarily engaged in--",  # as in 325194
    ],
)
def test_clean_description_drops_other_empty_tails(tail: str) -> None:
    text, _ = clean_description("Growing soybeans." + tail)
    assert text == "Growing soybeans."


def test_clean_description_keeps_paragraphs_and_collapses_spaces() -> None:
    raw = "The Sector as a Whole\n\n\n\nThe  sector\t comprises   farms.  \nMore.\n"
    assert clean_description(raw).text == "The Sector as a Whole\n\nThe sector comprises farms.\nMore."


def test_clean_description_lists_referenced_codes_in_order() -> None:
    raw = (
        "Establishments primarily engaged in manufacturing beverages are classified in Subsector 312, "
        "Beverage and Tobacco Product Manufacturing; those in Sector 44-45, Retail Trade; "
        "see Industry Group 5615 and Industry 54171 and U.S. Industry 541511; again Subsector 312. "
        "Crops have a cycle of 10 years."
    )
    assert clean_description(raw).cross_references == ["312", "44-45", "5615", "54171", "541511"]


def test_clean_description_of_nothing() -> None:
    assert clean_description(None) == (None, [])
    assert clean_description("  \n\nCross-References.  ") == (None, [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("******", True), (" *** ", True), ("111110", False), ("", False), ("**1", False), (111110, False)],
)
def test_is_index_placeholder(value: object, expected: bool) -> None:
    assert is_index_placeholder(value) is expected
