"""Experience search against the emulator: word-prefix, any order, filters, facets, order."""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy import OpenSearch

from app.search.definitions import load_definition
from app.search.experience_query import (
    TRACK_TOTAL_HITS,
    ExperienceSearchResult,
    build_experience_document,
    build_experience_search,
    parse_experience_response,
)


def search(client: OpenSearch, index: str, query: str, filters: dict[str, Any] | None = None, **kw: Any):
    return parse_experience_response(
        client.search(index=index, body=build_experience_search(query, filters, **kw))
    )


def ids(result: ExperienceSearchResult) -> list[str]:
    return [h.id for h in result.items]


def test_last_word_is_a_prefix(os_client, experiences_index):
    assert set(ids(search(os_client, experiences_index, "softw"))) == {"e1", "e5"}
    assert ids(search(os_client, experiences_index, "software eng")) == ["e1"]


def test_words_match_in_any_order_and_any_field(os_client, experiences_index):
    # "acme" is the organization, "engineer" the title.
    assert ids(search(os_client, experiences_index, "engineer acme")) == ["e1"]
    # Tags and flattened type data are searched too.
    assert ids(search(os_client, experiences_index, "kubernetes")) == ["e1"]
    assert ids(search(os_client, experiences_index, "coursera")) == ["e5"]


def test_english_stemming_and_stop_words(os_client, experiences_index):
    assert ids(search(os_client, experiences_index, "restaurants")) == ["e2"]
    assert ids(search(os_client, experiences_index, "the line cook of")) == ["e2"]


def test_relevance_first(os_client, experiences_index):
    # e4 has "programming" in title and tags; nothing else mentions it.
    assert ids(search(os_client, experiences_index, "programming")) == ["e4"]
    result = search(os_client, experiences_index, "software")
    assert ids(result)[0] in {"e1", "e5"}


def test_blank_query_lists_newest_first(os_client, experiences_index):
    assert ids(search(os_client, experiences_index, "")) == ["e5", "e1", "e4", "e3", "e2"]


def test_no_match_is_empty(os_client, experiences_index):
    assert search(os_client, experiences_index, "zzqqxx").items == []


@pytest.mark.parametrize("query", ['(( AND "', "x" * 10240, "🙂", "title:*", "a " * 4000])
def test_hostile_queries_do_not_error(os_client, experiences_index, query):
    assert isinstance(search(os_client, experiences_index, query), ExperienceSearchResult)


def test_filters(os_client, experiences_index):
    assert ids(search(os_client, experiences_index, "", {"experience_type": "volunteer"})) == ["e4"]
    assert set(ids(search(os_client, experiences_index, "", {"naics_code": "541511"}))) == {"e1", "e4"}
    assert ids(search(os_client, experiences_index, "programming", {"sector": "72"})) == []
    assert set(
        ids(search(os_client, experiences_index, "", {"category": ["healthcare", "hospitality"]}))
    ) == {
        "e2",
        "e3",
    }
    assert set(ids(search(os_client, experiences_index, "", username="ada"))) == {"e1", "e4"}


def test_facets_ignore_their_own_filter(os_client, experiences_index):
    result = search(os_client, experiences_index, "", {"sector": "54"})
    assert set(ids(result)) == {"e1", "e4"}
    sectors = {b.value: (b.label, b.count) for b in result.facets["sector"]}
    assert sectors == {
        "54": ("Professional, Scientific, and Technical Services", 2),
        "51": ("Information", 1),
        "62": ("Health Care and Social Assistance", 1),
        "72": ("Accommodation and Food Services", 1),
    }
    assert {b.value: b.count for b in result.facets["experience_type"]} == {"work": 1, "volunteer": 1}
    assert [(b.value, b.label, b.count) for b in result.facets["naics_code"]] == [
        ("541511", "Custom Computer Programming Services", 2)
    ]
    assert {b.value: b.label for b in result.facets["category"]} == {
        "technology": "Technology",
        "education": "Education",
    }


def test_documents_never_carry_private_user_fields():
    doc = build_experience_document(
        {"id": 7, "username": "ada", "email": "ada@example.com", "password_hash": "h", "title": "X"}
    )
    assert "email" not in doc and "password_hash" not in doc
    assert doc["id"] == "7"
    assert set(doc) <= set(load_definition("experiences").mappings["properties"])


def test_totals_past_the_cap_are_a_lower_bound() -> None:
    body = build_experience_search("nurse", {"category": "workplace"}, with_facets=False)
    assert body["track_total_hits"] == TRACK_TOTAL_HITS
    assert "aggs" not in body and "post_filter" not in body
    capped = {"hits": {"total": {"value": TRACK_TOTAL_HITS, "relation": "gte"}, "hits": []}}
    exact = {"hits": {"total": {"value": 12, "relation": "eq"}, "hits": []}}
    assert parse_experience_response(capped).total_relation == "gte"
    assert parse_experience_response(exact).total_relation == "eq"


def test_a_blank_query_sorts_without_scores_in_the_documented_order() -> None:

    blank = build_experience_search("", {"sector": "54"})
    text = build_experience_search("nurse", {"sector": "54"})
    assert [next(iter(s)) for s in blank["sort"]] == ["start_date", "created_at", "id"]
    assert [next(iter(s)) for s in text["sort"]] == ["_score", "start_date", "created_at", "id"]
