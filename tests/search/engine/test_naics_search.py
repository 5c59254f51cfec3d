"""NAICS tiered search against the emulator: tiers, tie order, typos, hostile input, facets."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from opensearchpy import OpenSearch

from app.search.naics_document import build_naics_document
from app.search.naics_queries import build_naics_search
from app.search.naics_results import NaicsSearchResult, parse_naics_response
from app.search.tiers import TIERS
from tests.support.search_documents import create_index as _create
from tests.support.search_documents import naics


def search(client: OpenSearch, index: str, query: str, filters: dict[str, Any] | None = None, **kw: Any):
    body = build_naics_search(query, filters, **kw)
    return parse_naics_response(client.search(index=index, body=body))


def ranked(result: NaicsSearchResult) -> list[tuple[str, int, str]]:
    return [(h.code, h.score, h.match_type) for h in result.items]


def best(result: NaicsSearchResult, code: str) -> tuple[int, str]:
    hit = next(h for h in result.items if h.code == code)
    return hit.score, hit.match_type


@pytest.mark.parametrize(
    ("query", "code", "score", "match_type"),
    [
        ("541511", "541511", 100, "exact_code"),
        ("54151", "541511", 90, "code_prefix"),
        ("software publishers", "513210", 85, "exact_title"),
        ("custom comp", "541511", 80, "title_prefix"),
        ("softw", "513210", 80, "title_prefix"),
        ("app development", "541511", 75, "exact_alias"),
        ("dentistry", "621210", 70, "exact_keyword"),
        ("programming custom", "541511", 60, "title_contains"),
        ("sit down", "722511", 55, "alias_contains"),
        ("pizza", "722513", 50, "keyword_contains"),
        ("seated", "722511", 40, "description_contains"),
        ("sofware", "513210", 30, "fuzzy"),
    ],
)
def test_each_tier_scores_exactly(os_client, naics_index, query, code, score, match_type):
    result = search(os_client, naics_index, query)
    assert result.items, query
    top = result.items[0]
    assert (top.code, top.score, top.match_type) == (code, score, match_type)


def test_code_query_mixes_exact_and_prefix(os_client, naics_index):
    assert ranked(search(os_client, naics_index, "5415")) == [
        ("5415", 100, "exact_code"),
        ("541511", 90, "code_prefix"),
        ("541512", 90, "code_prefix"),
    ]


def test_sector_range_and_hidden_sector_numbers_find_the_sector_row(os_client, naics_index):
    # "54" has no range, but the same rule must hold for it: exact then children by code.
    result = search(os_client, naics_index, "54")
    assert ranked(result)[0] == ("54", 100, "exact_code")
    assert [c for c, s, _ in ranked(result) if s == 90] == ["5415", "541511", "541512"]


def test_exact_tiers_ignore_case_accents_and_punctuation(os_client, naics_index):
    assert best(search(os_client, naics_index, "  SOFTWARE-publishers!! "), "513210") == (85, "exact_title")
    assert best(search(os_client, naics_index, "CAFE"), "722515") == (75, "exact_alias")
    assert best(search(os_client, naics_index, "café"), "722515") == (75, "exact_alias")
    assert best(search(os_client, naics_index, "full service restaurants"), "722511") == (85, "exact_title")


def test_best_tier_wins_when_several_match(os_client, naics_index):
    # "dentist" is inside the title (60), an alias (55), a keyword (50) and the description (40).
    assert best(search(os_client, naics_index, "dentist"), "621210") == (60, "title_contains")
    # "dentist office" equals an alias exactly.
    assert best(search(os_client, naics_index, "Dentist Office"), "621210") == (75, "exact_alias")


def test_ties_break_on_text_relevance_before_code(os_client, naics_index):
    result = search(os_client, naics_index, "restaurant")
    # Both have the exact keyword "restaurant"; 722513 mentions restaurants far more
    # (aliases, description), so BM25 puts it first although its code is larger.
    assert ranked(result)[:2] == [("722513", 70, "exact_keyword"), ("722511", 70, "exact_keyword")]


def test_ties_with_equal_relevance_break_on_code(os_client, naics_index):
    assert ranked(search(os_client, naics_index, "54151")) == [
        ("541511", 90, "code_prefix"),
        ("541512", 90, "code_prefix"),
    ]


def test_results_are_sorted_by_tier(os_client, naics_index):
    result = search(os_client, naics_index, "computer", limit=50)
    scores = [h.score for h in result.items]
    assert scores == sorted(scores, reverse=True)
    assert best(result, "541512") == (80, "title_prefix")
    assert best(result, "541511") == (60, "title_contains")
    assert best(result, "513210") == (40, "description_contains")


def test_typo_tier(os_client, naics_index):
    assert best(search(os_client, naics_index, "sofware"), "513210") == (30, "fuzzy")
    resturant = search(os_client, naics_index, "resturant")
    assert {h.code for h in resturant.items} == {"722511", "722513"}
    assert {(h.score, h.match_type) for h in resturant.items} == {(30, "fuzzy")}
    # A typo plus a word still being typed.
    assert best(search(os_client, naics_index, "sofware pub"), "513210") == (30, "fuzzy")


def test_search_as_you_type_last_word_is_a_prefix(os_client, naics_index):
    assert best(search(os_client, naics_index, "custom computer prog"), "541511") == (80, "title_prefix")
    # Earlier words are whole-string prefix too: "cust comp" is not the start of the title.
    assert best(search(os_client, naics_index, "cust comp"), "541511") == (60, "title_contains")


def test_words_in_any_order_for_contains(os_client, naics_index):
    assert best(search(os_client, naics_index, "services programming"), "541511") == (60, "title_contains")
    assert best(search(os_client, naics_index, "restaurant takeout"), "722513") == (55, "alias_contains")


@pytest.mark.parametrize("query", ["", "   ", "zzzqqxv", "*", "((", "🙂🙂", "xylophone quartet"])
def test_queries_that_match_nothing_return_empty(os_client, naics_index, query):
    result = search(os_client, naics_index, query)
    assert result.items == []
    assert result.total == 0


HOSTILE = [
    '(( AND "',
    "title:software OR 1=1",
    "\\",
    "\\*",
    '"unterminated',
    '{"query": {"match_all": {}}}',
    "software) OR (",
    "soft~2 ^3 /reg.*ex/ [a TO z]",
    "NOT * && || !",
    "<script>alert(1)</script>",
    "'; DROP TABLE naics_codes; --",
    "\x00\x01\x1f",
    "日本語 ソフトウェア",
    "🙂 software 🙂",
    "ﬁle Ø İstanbul straße",
    "x" * 10240,
    "software " * 1500,
    " ".join(f"w{i}" for i in range(3000)),
    "5" * 10000,
    "31-33",
    "31--33",
    "-",
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q[:20]))
def test_hostile_queries_do_not_error(os_client, naics_index, query):
    result = search(os_client, naics_index, query, limit=100)
    assert isinstance(result, NaicsSearchResult)
    assert all(h.match_type and h.score in {t.score for t in TIERS} for h in result.items)


def test_lucene_syntax_is_plain_text(os_client, naics_index):
    # "software)" is just the word software: the parenthesis is not syntax.
    assert best(search(os_client, naics_index, "software) OR ("), "513210")[1] != ""
    assert search(os_client, naics_index, "*").items == []


def test_inactive_codes_only_on_request(os_client, naics_index):
    assert "511210" not in {h.code for h in search(os_client, naics_index, "software publishers").items}
    everything = search(os_client, naics_index, "software publishers", active_only=False)
    assert {("511210", 85), ("513210", 85)} <= {(h.code, h.score) for h in everything.items}


def test_facets_count_matching_codes(os_client, naics_index):
    result = search(os_client, naics_index, "services", limit=50)
    sectors = {b.value: (b.label, b.count) for b in result.facets["sector"]}
    assert sectors["54"] == ("Professional, Scientific, and Technical Services", 4)
    assert sectors["72"][1] >= 1
    levels = {b.value: (b.label, b.count) for b in result.facets["level"]}
    assert levels[2] == ("Sector", 1)
    assert levels[4] == ("Industry Group", 1)
    categories = {b.value: b.label for b in result.facets["category"]}
    assert categories["professional_services"] == "Professional Services"


def test_facet_ignores_its_own_filter(os_client, naics_index):
    unfiltered = search(os_client, naics_index, "services", limit=50)
    filtered = search(os_client, naics_index, "services", {"sector": "54"}, limit=50)
    assert filtered.items and all(h.source["sector"] == "54" for h in filtered.items)
    assert filtered.total == 4
    # The sector facet still shows every sector with its unfiltered count ...
    assert filtered.facets["sector"] == unfiltered.facets["sector"]
    assert len(filtered.facets["sector"]) > 1
    # ... while the other facets narrow to sector 54.
    assert {b.value: b.count for b in filtered.facets["level"]} == {2: 1, 4: 1, 6: 2}
    assert {b.value for b in filtered.facets["category"]} == {"professional_services", "technology"}


def test_filters_combine_and_coerce(os_client, naics_index):
    result = search(os_client, naics_index, "services", {"level": "6", "category": ["technology"]}, limit=50)
    assert {h.code for h in result.items} == {"541511", "541512", "513210"}
    # Level's own facet ignores level=6 but honours category=technology.
    assert {b.value: b.count for b in result.facets["level"]} == {4: 1, 6: 3}
    several = search(os_client, naics_index, "restaurant", {"sector": ["62", "72"]})
    assert {h.code for h in several.items} == {"722511", "722513"}
    assert search(os_client, naics_index, "restaurant", {"sector": "54"}).items == []


def test_unknown_filter_is_refused():
    with pytest.raises(ValueError, match="unknown filter"):
        build_naics_search("x", {"colour": "red"})
    with pytest.raises(ValueError, match="integer"):
        build_naics_search("x", {"level": "six"})


def test_paging(os_client, naics_index):
    full = ranked(search(os_client, naics_index, "services", limit=50))
    page = ranked(search(os_client, naics_index, "services", limit=2, offset=2))
    assert page == full[2:4]
    assert search(os_client, naics_index, "services", limit=2).total == len(full)
    with pytest.raises(ValueError):
        build_naics_search("x", limit=0)
    with pytest.raises(ValueError):
        build_naics_search("x", offset=-1)


def test_internal_fields_are_not_returned(os_client, naics_index):
    hit = search(os_client, naics_index, "software publishers").items[0]
    assert hit.title == "Software Publishers"
    assert not {"title_norm", "match_words", "aliases_norm"} & hit.source.keys()
    assert hit.source["aliases"] == ["Software Company", "SaaS"]


def test_inside_a_tier_rows_holding_more_words_come_first(os_client):
    # Neither row holds all four words, so both land in some_words. "zyzzyva" is rare and in
    # a title, which BM25 alone weighs above "beta" and "gamma" (common: the fillers hold one
    # each); but 541901 holds three of the four words, 541902 two.
    rows = [
        naics("541901", "Widget Assembly", category="professional_services", keywords=["alpha beta gamma"]),
        naics("541902", "Zyzzyva Services", category="professional_services", keywords=["alpha"]),
        *(
            naics(f"5419{n:02d}", f"Filler {n}", category="professional_services", keywords=[word])
            for n, word in enumerate(["beta", "gamma"] * 6, start=10)
        ),
    ]
    index = _create(
        os_client, "naics", f"cov{uuid.uuid4().hex[:8]}_", [build_naics_document(r) for r in rows], "code"
    )
    top = ranked(search(os_client, index, "zyzzyva alpha beta gamma"))[:2]
    assert top == [("541901", 20, "some_words"), ("541902", 20, "some_words")]
