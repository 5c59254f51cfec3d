"""Experience search: index documents, the search body and response parsing.

Matching is term-centric: every query word must match in at least one of the
text fields (title, description, organization, tags, type_text), in any order
and in any field. Whole words match through the English analyzer (stemming, so
"restaurants" finds "restaurant"); the last word is also tried as a word prefix
on edge n-gram subfields, so results follow the user while they type.
Ordering: relevance, then the most recent experience (start date), then
creation time and id so pages are stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import msgspec

from app.limits import MAX_WINDOW, check_page
from app.search.facets import (
    EXPERIENCE_FACETS,
    FacetBucket,
    FilterInput,
    facet_aggregations,
    faceted_page,
    filter_clauses,
    normalise_filters,
    parse_facets,
    parse_total,
)
from app.search.text import prepare_query

# Totals are counted up to here and reported as a lower bound ("gte") beyond: no page past
# MAX_WINDOW can be asked for, so an exact count further out buys the user nothing.
TRACK_TOTAL_HITS = MAX_WINDOW
TOTAL_EXACT = "eq"
TOTAL_AT_LEAST = "gte"
# The documented order: relevance, then newest start date, creation time, id. A blank query
# scores every hit alike, so its order is the same list without the score.
_NEWEST_FIRST: list[dict[str, Any]] = [
    {"start_date": {"order": "desc", "missing": "_last"}},
    {"created_at": {"order": "desc", "missing": "_last"}},
    {"id": {"order": "asc"}},
]

TEXT_FIELDS: tuple[str, ...] = ("title^3", "organization^2", "tags^2", "type_text", "description")
PREFIX_FIELDS: tuple[str, ...] = (
    "title.prefix^3",
    "organization.prefix^2",
    "tags.prefix^2",
    "type_text.prefix",
    "description.prefix",
)

# Whitelist of what goes into the index: the owner is shown by public username
# only; nothing else from the user row (email, password hash) can leak in.
_DOC_FIELDS: tuple[str, ...] = (
    "id",
    "username",
    "title",
    "description",
    "organization",
    "location",
    "experience_type",
    "category",
    "tags",
    "type_text",
    "start_date",
    "end_date",
    "is_current",
    "naics_code",
    "naics_title",
    "sector",
    "sector_title",
    "naics_category",
    "created_at",
    "updated_at",
)


class ExperienceHit(msgspec.Struct, frozen=True):
    id: str


class ExperienceSearchResult(msgspec.Struct, frozen=True):
    total: int
    items: list[ExperienceHit]
    facets: dict[str, list[FacetBucket]]
    total_relation: str = TOTAL_EXACT


def flatten_type_data(data: Any) -> str:
    """Flatten type-specific data (nested dicts/lists) into searchable text; keys are dropped."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, Mapping):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple | set):
            for v in value:
                walk(v)
        else:
            text = str(value).strip()
            if text:
                parts.append(text)

    walk(data)
    return " ".join(parts)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return getattr(value, "value", value)  # enums by value


def build_experience_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenSearch document for one experience (already joined with owner and NAICS row).

    ``type_text`` may be given ready-made or derived from ``type_data`` (a dict).
    """
    doc = {f: _json_value(record.get(f)) for f in _DOC_FIELDS}
    doc["id"] = str(record["id"])
    doc["tags"] = [str(t) for t in (record.get("tags") or [])]
    if not doc.get("type_text"):
        doc["type_text"] = flatten_type_data(record.get("type_data"))
    doc["is_current"] = bool(record.get("is_current", False))
    return doc


def _text_clause(words: tuple[str, ...]) -> dict[str, Any]:
    must: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        # zero_terms_query "all": a stop word ("of", "the") must not veto the hit.
        whole = {
            "multi_match": {
                "query": word,
                "fields": list(TEXT_FIELDS),
                "type": "best_fields",
                "zero_terms_query": "all",
            }
        }
        if i < len(words) - 1:
            must.append(whole)
        else:
            prefix = {"multi_match": {"query": word, "fields": list(PREFIX_FIELDS), "type": "best_fields"}}
            must.append({"bool": {"should": [whole, prefix], "minimum_should_match": 1}})
    return {"bool": {"must": must}}


def _base_query(prepared_words: tuple[str, ...], username: str | None) -> dict[str, Any]:
    bool_query: dict[str, Any] = {"filter": []}
    if username:
        bool_query["filter"].append({"term": {"username": username}})
    if prepared_words:
        bool_query["must"] = [_text_clause(prepared_words)]
    # A blank query stays in filter context: no scores to compute for hits that all tie.
    return {"bool": bool_query}


def build_experience_search(
    query: str | None,
    filters: FilterInput | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    username: str | None = None,
    with_facets: bool = True,
) -> dict[str, Any]:
    """The search body for ``client.search(index=alias, body=...)``.

    filters: by facet name (category, experience_type, sector, naics_code).
    username: restrict to one owner's experiences (not a facet). A blank query
    lists everything that passes the filters, newest first (sorted without scores).
    with_facets: False leaves the facet aggregations out (a next page, a client without chips).
    """
    check_page(limit, offset)
    clauses = filter_clauses(EXPERIENCE_FACETS, normalise_filters(EXPERIENCE_FACETS, filters))
    words = prepare_query(query).words
    sort = [{"_score": {"order": "desc"}}, *_NEWEST_FIRST] if words else list(_NEWEST_FIRST)
    body = faceted_page(
        _base_query(words, username),
        sort,
        EXPERIENCE_FACETS,
        clauses,
        limit=limit,
        offset=offset,
        with_facets=with_facets,
        track_total_hits=TRACK_TOTAL_HITS,
    )
    # Hits are read back from PostgreSQL by id (never stale), so the engine sends ids only:
    # fetching and serialising each document's source is most of a small page's cost.
    body["_source"] = False
    return body


def build_experience_facets(filters: FilterInput | None = None) -> dict[str, Any]:
    """Facet counts alone for a filter-only (blank) query: what the facet cache stores."""
    clauses = filter_clauses(EXPERIENCE_FACETS, normalise_filters(EXPERIENCE_FACETS, filters))
    return {
        "query": _base_query((), None),
        "size": 0,
        "track_total_hits": False,
        "aggs": facet_aggregations(EXPERIENCE_FACETS, clauses),
    }


def parse_experience_response(response: Mapping[str, Any]) -> ExperienceSearchResult:
    """Hits in engine order (no engine scores exposed), total (and whether it is a lower bound) and facets."""
    hits = response.get("hits", {})
    items = [ExperienceHit(id=str(h.get("_id"))) for h in hits.get("hits", [])]
    total = hits.get("total", 0)
    at_least = isinstance(total, Mapping) and total.get("relation") == "gte"
    relation = TOTAL_AT_LEAST if at_least else TOTAL_EXACT
    return ExperienceSearchResult(
        total=parse_total(hits),
        items=items,
        facets=parse_facets(EXPERIENCE_FACETS, response.get("aggregations")),
        total_relation=relation,
    )
