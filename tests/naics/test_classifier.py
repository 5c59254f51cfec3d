"""The learned classifier on the built-in catalogue (no engines: app.naics.classifier alone)."""

from __future__ import annotations

from typing import Any

import pytest

from app.naics.builtin import builtin_data
from app.naics.classifier import NaicsClassifier


@pytest.fixture(scope="module")
def model() -> NaicsClassifier:
    documents: list[dict[str, Any]] = [
        {
            "code": e.code,
            "level": len(e.code),
            "title": e.title,
            "description": e.description,
            "aliases": e.aliases,
            "keywords": e.index_items,
        }
        for e in builtin_data().codes
    ]
    return NaicsClassifier(documents)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        # "far" is "farm"/"farming", not fishing; "sho" is "shop" beside "coffee", not the
        # roaster.
        ("fish far", "112511"),
        ("coffee sho", "722515"),
    ],
)
def test_a_half_typed_last_word_counts_as_the_words_it_starts(
    model: NaicsClassifier, typed: str, code: str
) -> None:
    assert model.suggest(typed, 1, complete_last=True)[0].code == code
    # Read as a whole word, the same letters point elsewhere: the completion is what found it.
    assert model.suggest(typed, 1)[0].code != code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        # The commonest "uni" words anywhere are "uniform", "unit"...; after "credit" the
        # catalogue writes "unions". After "tire", "ret" is "retreading", not "retail".
        ("credit uni", "522130"),
        ("tire ret", "326212"),
    ],
)
def test_a_half_typed_word_completes_to_what_the_catalogue_writes_after_the_word_before(
    model: NaicsClassifier, typed: str, code: str
) -> None:
    assert model.suggest(typed, 1, complete_last=True)[0].code == code
    previous, last = typed.split()
    # Alone, the same letters complete to other words.
    alone = {term for term, _ in model._features._complete("", last)}
    paired = {term for term, _ in model._features._complete(previous, last) if " " not in term}
    assert paired and paired != alone


@pytest.mark.parametrize(
    ("text", "maker", "wholesaler"),
    [
        # Read as words, each points at its maker: no wholesale sample says "laptop", and the
        # makers' samples outweigh the few that say "seafood" or "fertilizer". The wholesale
        # codes that trade what each maker makes are learned.
        ("laptop wholesaler", "334111", "423430"),
        ("seafood wholesaler", "311710", "424460"),
        ("fertilizer wholesale", "325314", "424910"),
    ],
)
def test_a_wholesaler_is_found_by_what_it_sells(
    model: NaicsClassifier, text: str, maker: str, wholesaler: str
) -> None:
    product = text.split()[0]
    assert model.suggest(product, 1)[0].code == maker
    assert model.suggest(text, 1)[0].code == wholesaler


def test_completing_leaves_whole_words_and_nonsense_alone(model: NaicsClassifier) -> None:
    for text in ("software publishers", "coffee shop", "daycare"):
        assert model.suggest(text, 1, complete_last=True)[0].code == model.suggest(text, 1)[0].code
    # Nothing in the catalogue starts with these: no guess gains from completing them.
    for text in ("xyzzy", "1234"):
        assert (model.scores(text, complete_last=True) == model.scores(text)).all()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Plumbing fixtures are manufactured, plumbers are contractors; a food truck is a
        # mobile food service, not a contractor feeding a factory's canteen.
        ("plumber", "238220"),
        ("food truck", "722330"),
    ],
)
def test_the_centroids_tell_a_code_from_its_neighbours(model: NaicsClassifier, text: str, code: str) -> None:
    # The centroids alone: the per-keystroke score, where no single index item helps.
    assert model.suggest(text, 1, nearest=False)[0].code == code


def test_an_industry_outranks_the_broader_codes_that_hold_it(model: NaicsClassifier) -> None:
    # Same evidence, vaguer answer: the chain 48 / 493 / 4931 / 49311 must not fill a short
    # autocomplete list ahead of 493110 itself.
    assessment = model.assess("general warehousing", nearest=False)
    best = assessment.suggest(1)[0].code
    assert best == "493110"
    for broader in ("48", "493", "4931", "49311"):
        assert 0 < assessment.confidence(broader) < assessment.confidence(best)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # 512131 is "Motion Picture Theaters (except Drive-Ins)": read as words, its title and
        # items said "drive-in" as often as the drive-in code's own.
        ("movie theater", "512131"),
        # Grocery wholesalers' items say "(except frozen)" again and again.
        ("frozen pizza wholesale", "424420"),
    ],
)
def test_what_a_code_excludes_does_not_count_as_what_it_is(
    model: NaicsClassifier, text: str, code: str
) -> None:
    assert model.suggest(text, 1)[0].code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # 713210 is "Casinos (except Casino Hotels)": its samples say "casinos", and the one
        # singular "casino" is in its title's exclusion. Read as words there, the casino is
        # found before the casino hotel, and the hotel still when it is asked for.
        ("casino", "713210"),
        ("casino hotel", "721120"),
    ],
)
def test_a_title_still_names_what_it_is_told_from(model: NaicsClassifier, text: str, code: str) -> None:
    assert model.suggest(text, 1)[0].code == code
