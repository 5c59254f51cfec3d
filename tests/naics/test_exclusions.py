"""The Census's exclusion clauses split from what a code is (app.naics.exclusions)."""

from __future__ import annotations

import pytest

from app.naics.exclusions import exclusion_parts, with_exclusions_as_words, without_exclusions


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Lockers (except refrigerated) merchant wholesalers",
            [("Lockers ", False), ("refrigerated", True), (" merchant wholesalers", False)],
        ),
        # Without parentheses the clause runs to the next punctuation.
        (
            "Chemical products, except basic chemicals; paints",
            [("Chemical products, ", False), ("basic chemicals", True), ("; paints", False)],
        ),
        (
            "Pet food (excluding canned), retail",
            [("Pet food ", False), ("canned", True), (", retail", False)],
        ),
        ("Casino Hotels", [("Casino Hotels", False)]),
    ],
)
def test_the_excluded_words_are_told_from_the_rest(text: str, parts: list[tuple[str, bool]]) -> None:
    assert list(exclusion_parts(text)) == parts


def test_a_word_that_only_contains_except_is_no_exclusion() -> None:
    text = "Exceptional children schools"
    assert list(exclusion_parts(text)) == [(text, False)]


def test_without_exclusions_keeps_what_the_code_is() -> None:
    assert without_exclusions("Motion Picture Theaters (except Drive-Ins)").split() == [
        "Motion",
        "Picture",
        "Theaters",
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Casinos (except Casino Hotels)", "Casinos Casino Hotels"),
        ("Chemical products, except basic chemicals; paints", "Chemical products, basic chemicals ; paints"),
        ("Exceptional children schools", "Exceptional children schools"),
    ],
)
def test_an_exclusion_read_as_words_loses_only_its_lead(text: str, words: str) -> None:
    assert with_exclusions_as_words(text) == words
