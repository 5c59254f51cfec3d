"""Pure parts: the normaliser both back ends share, the tier table, and body safety."""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime
from typing import Any

import pytest

from app.search.definitions import (
    alias_name,
    load_definition,
    physical_index_name,
    physical_index_pattern,
)
from app.search.experience_query import build_experience_search
from app.search.naics_document import build_naics_document
from app.search.naics_queries import build_naics_search
from app.search.text import (
    MAX_QUERY_WORDS,
    MAX_WORD_CHARS,
    exact_code_candidates,
    fuzzy_max_edits,
    normalise_code_query,
    normalise_list,
    normalise_text,
    normalise_unicode,
    prepare_query,
    tokenise,
)
from app.search.tiers import TIER_WEIGHT, TIERS, tier_for_engine_score


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Full-Service Restaurants", "full service restaurants"),
        (
            "  Professional, Scientific, and Technical Services ",
            "professional scientific and technical services",
        ),
        ("Café CRÈME brûlée", "cafe creme brulee"),
        ("Straße Ærø Œuvre Łódź", "strasse aero oeuvre lodz"),
        ("ﬁle \uff21\uff22\uff23\uff11\uff12\uff13", "file abc123"),
        ('(( AND "title:x" OR y~2^3 *?\\', "and title x or y 2 3"),
        ("🙂software🙂", "software"),
        ("D.M.D. (Doctor)", "d m d doctor"),
        ("日本語", "日本語"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected
    # Idempotent: normalising stored (already normalised) text changes nothing.
    assert normalise_text(expected) == expected


def test_ascii_text_normalises_exactly_as_the_unicode_path_does():
    # The fast path for ASCII must never give the engine a different string from PostgreSQL's
    # twin (levelith_normalise), which follows the Unicode path.
    rng = random.Random(20261130)
    for _ in range(5000):
        text = "".join(rng.choice(string.printable + "\x00\x7f") for _ in range(rng.randint(1, 40)))
        assert normalise_text(text) == normalise_unicode(text), repr(text)


def test_tokenize_and_lists():
    assert tokenise("Custom  computer-programming") == ["custom", "computer", "programming"]
    assert normalise_list(["App Development", "app development", "  ", "Café"]) == ["app development", "cafe"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("541511", "541511"),
        (" 5415 ", "5415"),
        ("31-33", "31"),
        ("31 \u2013 33", "31"),
        ("44-", "44"),
        ("5", "5"),
        ("5415111", None),
        ("541511-12", None),
        ("software", None),
        ("54 software", None),
        ("", None),
    ],
)
def test_code_queries(raw, code):
    assert normalise_code_query(raw) == code


def test_hidden_sector_numbers_resolve_to_their_range_row():
    assert exact_code_candidates("32") == ["32", "31"]
    assert exact_code_candidates("541511") == ["541511"]


def test_fuzzy_edit_budget_is_opensearch_auto():
    assert [fuzzy_max_edits("x" * n) for n in range(1, 9)] == [0, 0, 1, 1, 1, 2, 2, 2]


def test_prepared_query_caps_size():
    p = prepare_query(" ".join(f"w{i}" for i in range(100)))
    assert len(p.words) == MAX_QUERY_WORDS
    assert prepare_query("y" * 10_000).words == ("y" * MAX_WORD_CHARS,)
    assert prepare_query("((").is_empty
    assert prepare_query("custom comp").text == "custom comp"


@pytest.mark.parametrize(
    ("query", "content", "minimum"),
    [
        ("software", ("software",), 0),  # one word: the contains tiers already cover it
        ("software or", ("software",), 1),  # stop words never count
        ("of the", (), 0),
        ("grinding machines", ("grinding", "machines"), 1),
        ("insurance company", ("insurance",), 1),  # generic words never count either
        ("asphalt mixtures made in asphalt plants", ("asphalt", "mixtures", "made", "plants"), 2),
    ],
)
def test_some_words_counts_half_the_content_words(query, content, minimum):
    prepared = prepare_query(query)
    assert prepared.content_words == content
    assert prepared.some_words_minimum == minimum


def test_tier_table():
    assert [(t.name, t.score) for t in TIERS] == [
        ("exact_code", 100),
        ("former_code", 95),
        ("sic_code", 93),
        ("code_prefix", 90),
        ("exact_title", 85),
        ("title_prefix", 80),
        ("exact_alias", 75),
        ("exact_keyword", 70),
        ("title_contains", 60),
        ("alias_contains", 55),
        ("keyword_contains", 50),
        ("description_contains", 40),
        ("fuzzy", 30),
        ("some_words", 20),
    ]
    assert tier_for_engine_score(85 * TIER_WEIGHT + 12.5).name == "exact_title"
    # Even relevance above 1000 cannot lift a hit into the next tier's name.
    assert tier_for_engine_score(55 * TIER_WEIGHT + 2500).name == "alias_contains"
    assert tier_for_engine_score(12.0) is None


def _walk(node: Any, keys: set[str], strings: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            keys.add(k)
            _walk(v, keys, strings)
    elif isinstance(node, list):
        for v in node:
            _walk(v, keys, strings)
    elif isinstance(node, str):
        strings.append(node)


@pytest.mark.parametrize("query", ['(( AND "', "title:x OR y", "a\\*b?", "x" * 10240])
def test_bodies_never_use_query_string_and_carry_only_normalised_text(query):
    for body in (build_naics_search(query), build_experience_search(query)):
        keys: set[str] = set()
        strings: list[str] = []
        _walk(body, keys, strings)
        assert not {"query_string", "simple_query_string", "script", "regexp"} & keys
        assert len(json.dumps(body)) < 30_000
        for s in strings:
            assert '"' not in s and "(" not in s and ":" not in s.replace("_", "")


def test_definitions_and_names():
    for kind in ("naics", "experiences"):
        d = load_definition(kind)
        assert isinstance(d.version, int) and d.version >= 1
        assert d.mappings["dynamic"] == "strict"
        assert set(d.create_body()) == {"settings", "mappings"}
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert physical_index_name("naics", 1, now=when) == "naics_v1_20250102030405"
    assert physical_index_name("experiences", 3, prefix="t1_", now=when) == "t1_experiences_v3_20250102030405"
    assert alias_name("naics", "t1_") == "t1_naics"
    assert physical_index_pattern("naics") == "naics_v*"
    with pytest.raises(ValueError):
        alias_name("naics", "Bad Prefix")
    with pytest.raises(ValueError):
        load_definition("users")


def test_naics_document_fields_match_the_mapping():
    doc = build_naics_document(
        {"code": "722515", "title": "Snack Bars", "level": 6, "category": "hospitality", "aliases": ["Café"]}
    )
    mapped = set(load_definition("naics").mappings["properties"])
    assert set(doc) <= mapped
    assert doc["aliases_norm"] == ["cafe"]
    assert doc["match_words"] == ["snack", "bars", "cafe"]


def test_naics_document_carries_former_and_sic_codes():
    software = build_naics_document(
        {"code": "513210", "title": "Software Publishers", "level": 6, "category": "technology",
         "naics_2017_codes": ["511210"], "sic_codes": ["7372"]}
    )  # fmt: skip
    assert software["former_codes"] == ["511210"] and software["sic_codes"] == ["7372"]
    # A 2017 code that carried over unchanged is the code itself: exact_code finds it, not former_code.
    farming = build_naics_document(
        {"code": "111110", "title": "Soybean Farming", "level": 6, "category": "agriculture",
         "naics_2017_codes": ["111110"], "sic_codes": ["0116"]}
    )  # fmt: skip
    assert farming["former_codes"] == []
    sector = build_naics_document(
        {"code": "54", "title": "Professional Services", "level": 2, "category": "x"}
    )
    assert sector["former_codes"] == [] and sector["sic_codes"] == []


LEAF_QUERIES = {"term", "terms", "prefix", "wildcard", "fuzzy", "match", "multi_match", "match_all"}


def _count_leaves(node: Any) -> int:
    if isinstance(node, dict):
        return sum(1 if k in LEAF_QUERIES else _count_leaves(v) for k, v in node.items())
    if isinstance(node, list):
        return sum(_count_leaves(v) for v in node)
    return 0


def test_worst_case_query_stays_far_below_the_clause_limit():
    # Real OpenSearch refuses queries over 1024 clauses; the emulator does not, so
    # the bound is checked here. Multi-match fields count as one clause each.
    words = " ".join(f"word{i:02d}" * 3 for i in range(50))
    body = build_naics_search(words)
    leaves = _count_leaves(body["query"])
    multi_match_fields = 5 + 3
    # Two query forms (as typed, rewritten) and the typo tier's per-word order add clauses;
    # still a quarter of the limit.
    assert leaves + multi_match_fields * MAX_QUERY_WORDS < 256


def test_what_a_query_excludes_is_not_asked_for():
    assert prepare_query("Lockers (except refrigerated) merchant wholesalers").words == (
        "lockers",
        "merchant",
        "wholesalers",
    )
    assert prepare_query("lawn mowers, excluding farm").words == ("lawn", "mowers")
    # A query that is nothing but an exclusion keeps its words rather than asking for nothing.
    assert prepare_query("except farm").words == ("except", "farm")
