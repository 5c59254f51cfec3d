"""opensearch/*.json use only what OpenSearch core has, in ways it accepts (see definition_lint)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.search.definitions import load_definition
from app.search.facets import EXPERIENCE_FACETS, NAICS_FACETS
from tests.search.contract.definition_lint import aggregation_field_problems, lint_definition
from tests.support.paths import REPO_ROOT

# The files in the repository, whatever the code loads them through.
DEFINITIONS_DIR = REPO_ROOT / "opensearch"
DEFINITION_FILES = sorted(DEFINITIONS_DIR.glob("*.json"))


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: p.name)
def test_index_definition_passes_the_lint(path: Path) -> None:
    definition = _read(path)
    assert lint_definition(definition["settings"], definition["mappings"]) == []


def test_every_definition_is_linted() -> None:
    assert {p.stem for p in DEFINITION_FILES} >= {"naics", "experiences"}


Spoil = Callable[[dict[str, Any]], None]


def _parent(d: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    *parents, last = path.split("/")
    for p in parents:
        d = d[p]
    return d, last


def put(path: str, value: Any) -> Spoil:
    return lambda d: _parent(d, path)[0].__setitem__(_parent(d, path)[1], value)


def drop(path: str) -> Spoil:
    return lambda d: _parent(d, path)[0].pop(_parent(d, path)[1])


def append(path: str, value: Any) -> Spoil:
    return lambda d: _parent(d, path)[0][_parent(d, path)[1]].append(value)


ANALYZER = "settings/analysis/analyzer/english_folded"
FILTER = "settings/analysis/filter"
NORMALIZER = "settings/analysis/normalizer/folded"
FIELD = "mappings/properties"

MISTAKES: list[tuple[str, Spoil]] = [
    ("filter neither defined nor built in", append(f"{ANALYZER}/filter", "english_possessive")),
    ("plugin filter", append(f"{ANALYZER}/filter", "icu_folding")),
    ("unknown tokenizer", put(f"{ANALYZER}/tokenizer", "standrd")),
    ("unknown char filter", append(f"{ANALYZER}/char_filter", "punctuation")),
    ("unknown filter type", put(f"{FILTER}/english_stop/type", "stopwords")),
    ("stemmer language not documented", put(f"{FILTER}/english_stemmer/language", "englsh")),
    ("ngram wider than max_ngram_diff", put(f"{FILTER}/word_prefix_grams/type", "ngram")),
    ("min_gram above max_gram", put(f"{FILTER}/word_prefix_grams/min_gram", 30)),
    ("stemmer in a normalizer", append(f"{NORMALIZER}/filter", "english_stemmer")),
    ("tokenizer in a normalizer", put(f"{NORMALIZER}/tokenizer", "standard")),
    ("ignore_above on text", put(f"{FIELD}/title/ignore_above", 256)),
    ("normalizer on text", put(f"{FIELD}/title/normalizer", "folded")),
    ("analyzer on keyword", put(f"{FIELD}/username/analyzer", "english_folded")),
    ("unknown analyzer in a mapping", put(f"{FIELD}/title/analyzer", "english_folding")),
    ("unknown normalizer in a mapping", put(f"{FIELD}/username/normalizer", "folding")),
    ("search_analyzer without analyzer", drop(f"{FIELD}/tags/fields/prefix/analyzer")),
    ("sub-field parameter of the wrong type", put(f"{FIELD}/tags/fields/prefix/ignore_above", 20)),
    ("format on a keyword", put(f"{FIELD}/category/format", "yyyy")),
]


@pytest.mark.parametrize(("name", "spoil"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_planted_definition_mistake_is_caught(name: str, spoil: Spoil) -> None:
    definition = copy.deepcopy(_read(DEFINITIONS_DIR / "experiences.json"))
    spoil(definition)
    assert lint_definition(definition["settings"], definition["mappings"]) != []


FACETS = {"naics": NAICS_FACETS, "experiences": EXPERIENCE_FACETS}


def _facet_fields(kind: str) -> list[str]:
    return [f for spec in FACETS[kind] for f in (spec.field, spec.label_field) if f]


@pytest.mark.parametrize("kind", sorted(FACETS))
def test_facets_aggregate_stored_values(kind: str) -> None:
    assert aggregation_field_problems(load_definition(kind).mappings, _facet_fields(kind)) == []


@pytest.mark.parametrize(
    ("name", "spoil"),
    [
        ("facet on a normalised keyword", put(f"{FIELD}/sector/normalizer", "folded")),
        ("facet on a text field", put(f"{FIELD}/sector/type", "text")),
        ("facet label without doc values", put(f"{FIELD}/naics_title/fields/raw/doc_values", False)),
    ],
)
def test_planted_facet_field_mistake_is_caught(name: str, spoil: Spoil) -> None:
    definition = copy.deepcopy(_read(DEFINITIONS_DIR / "experiences.json"))
    spoil(definition)
    assert aggregation_field_problems(definition["mappings"], _facet_fields("experiences")) != []
