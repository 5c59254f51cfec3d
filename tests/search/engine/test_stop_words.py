"""Stop words: the engine drops OpenSearch's 33 English stop words and nothing more."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opensearchpy import OpenSearch

from app.search.definitions import INDEX_KINDS, load_definition
from app.search.experience_query import build_experience_document, build_experience_search
from app.search.naics_document import build_naics_document
from app.search.text import STOP_WORDS
from tests.support.search_documents import EXPERIENCE_ROWS, NAICS_ROWS


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_index_definitions_list_the_same_stop_words_as_the_query_side(kind: str) -> None:
    # One list, three copies (text.py and both definitions): a word dropped by the index but
    # counted by the some_words tier, or the reverse, would split the two back ends.
    analysis = load_definition(kind).settings["analysis"]
    assert analysis["filter"]["english_stop"]["stopwords"] == sorted(STOP_WORDS)
    assert "english_stop" in analysis["analyzer"]["english_folded"]["filter"]


@pytest.fixture(scope="module")
def stop_word_indexes(os_client: OpenSearch) -> Iterator[dict[str, str]]:
    """Throwaway indexes (not the shared fixtures, whose totals other tests count on)."""
    prefix = f"stop{uuid.uuid4().hex[:8]}_"
    naics = {
        **NAICS_ROWS[0],
        "code": "339999",
        "title": "All Other Miscellaneous Manufacturing",
        "level": 6,
        "keywords": [],
        "aliases": [],
    }
    lab = {**EXPERIENCE_ROWS[2], "id": "lab", "title": "Lab Technician", "description": "Ran the lab."}
    own = {**lab, "id": "own", "description": "Ran my own lab."}
    docs: dict[str, list[tuple[str, dict[str, Any]]]] = {
        "naics": [("339999", build_naics_document(naics))],
        "experiences": [(r["id"], build_experience_document(r)) for r in (lab, own)],
    }
    names = {}
    for kind in INDEX_KINDS:
        name = f"{prefix}{kind}"
        os_client.indices.create(index=name, body=load_definition(kind).create_body())
        for doc_id, doc in docs[kind]:
            os_client.index(index=name, id=doc_id, body=doc)
        os_client.indices.refresh(index=name)
        names[kind] = name
    yield names
    for name in names.values():
        os_client.indices.delete(index=name)


def test_all_and_other_are_indexed_words(os_client: OpenSearch, stop_word_indexes: dict[str, str]) -> None:
    index = stop_word_indexes["naics"]
    for word in ("all", "other"):
        hits = os_client.search(index=index, body={"query": {"term": {"title": word}}})["hits"]["hits"]
        assert [h["_id"] for h in hits] == ["339999"], word
    # A relevance query of only those words still finds the row (nothing was dropped).
    hits = os_client.search(index=index, body={"query": {"match": {"title": "all other"}}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["339999"]


def test_own_lab_needs_own(os_client: OpenSearch, stop_word_indexes: dict[str, str]) -> None:
    index = stop_word_indexes["experiences"]
    found = os_client.search(index=index, body=build_experience_search("own lab"))["hits"]["hits"]
    assert [h["_id"] for h in found] == ["own"]
    # A real stop word still never vetoes a hit.
    found = os_client.search(index=index, body=build_experience_search("the lab"))["hits"]["hits"]
    assert sorted(h["_id"] for h in found) == ["lab", "own"]
