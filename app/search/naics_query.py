"""NAICS search: index documents, the tiered search body and response parsing.

How the tiers become one ranking: the query is a bool whose ``must`` is a
``dis_max`` of one ``constant_score`` per tier (boost ``tier.score * 1000``), so
a document matches only if it matches at least one tier and that clause scores
it by its best tier; the bool ``should`` adds 100 per content word the row holds
(coverage) and BM25 text relevance, so the engine score is
``best_tier * 1000 + 100 * coverage + BM25``. Sorting by ``[_score desc, code asc]``
thus orders by best tier, then coverage, then relevance, then code; the tier is read
back from the score and the API only ever sees the tier.

The exact, prefix, contains, fuzzy and some_words tiers compare Python-normalised
strings (``*_norm`` and ``*_words`` fields filled by :func:`build_naics_document`), never
engine analysis, so the PostgreSQL fallback can reproduce them exactly. "Contains" means
every query word starts a word of the field: a prefix query on a keyword array of the
field's words, one seek in the terms dictionary, where a ``*word*`` wildcard would scan
all of them on every keystroke (and would let "dent" match "accident").

User text only ever appears as a value inside a dict (term, prefix, fuzzy,
multi_match): no query_string, no concatenated DSL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from app.search.facets import (
    FacetBucket,
    FacetSpec,
    FacetValue,
    FilterInput,
    faceted_page,
    filter_clauses,
    humanise_enum,
    normalise_filters,
    parse_facets,
)
from app.search.text import (
    PreparedQuery,
    distinct_words,
    exact_code_candidates,
    fuzzy_max_edits,
    normalise_list,
    normalise_text,
    prepare_query,
)
from app.search.tiers import (
    BROAD_TIERS,
    COVERAGE_WEIGHT,
    TIER_BY_NAME,
    TIER_WEIGHT,
    Tier,
    tier_for_engine_score,
)

MAX_LIMIT = 100
# OpenSearch refuses from + size beyond index.max_result_window (10 000 by default).
MAX_WINDOW = 10_000
LEVEL_LABELS: dict[int, str] = {
    2: "Sector",
    3: "Subsector",
    4: "Industry Group",
    5: "NAICS Industry",
    6: "National Industry",
}


def _level_label(value: FacetValue) -> str:
    return LEVEL_LABELS.get(int(value), f"Level {value}")


NAICS_FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("sector", "sector", label_field="sector_title"),
    FacetSpec("category", "category", label_for=humanise_enum),
    FacetSpec("level", "level", label_for=_level_label, value_type=int),
)

# Word arrays the contains and some_words tiers search, by tier.
WORD_FIELDS: dict[str, str] = {
    "title_contains": "title_words",
    "alias_contains": "aliases_words",
    "keyword_contains": "keywords_words",
    "description_contains": "description_words",
}
# Fields computed for matching only; not part of what the API shows.
INTERNAL_FIELDS: tuple[str, ...] = (
    "title_norm",
    "keywords_norm",
    "aliases_norm",
    "match_words",
    *WORD_FIELDS.values(),
)

# BM25 tie-break inside a tier: English-analysed text fields, title weighted most.
RELEVANCE_FIELDS: tuple[str, ...] = ("title^3", "aliases^2", "keywords^2", "examples", "description")
# Search-as-you-type: the last (maybe partial) word also scores on edge n-gram fields.
PREFIX_FIELDS: tuple[str, ...] = ("title.prefix^3", "aliases.prefix^2", "keywords.prefix^2")

_SOURCE_FIELDS: tuple[str, ...] = (
    "code",
    "title",
    "description",
    "level",
    "parent_code",
    "sector",
    "sector_title",
    "subsector",
    "industry_group",
    "category",
    "examples",
)


class NaicsHit(msgspec.Struct, frozen=True):
    code: str
    title: str
    score: int
    match_type: str
    source: dict[str, Any]
    # Content words of the query the row holds (broad tiers; 0 otherwise): the first key
    # inside a tier, before any learned signal.
    coverage: int = 0


class NaicsSearchResult(msgspec.Struct, frozen=True):
    total: int
    items: list[NaicsHit]
    facets: dict[str, list[FacetBucket]]


# --------------------------------------------------------------------------- documents


def match_words(title_norm: str, aliases_norm: list[str], keywords_norm: list[str]) -> list[str]:
    """Distinct words of title, aliases and keywords: the vocabulary the fuzzy tier searches."""
    return distinct_words([title_norm, *aliases_norm, *keywords_norm])


def build_naics_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenSearch document for one NAICS row (a mapping of naics_codes columns).

    Adds the normalised copies the exact/prefix/contains/fuzzy tiers use. Only
    mapped fields are emitted (the index is ``dynamic: strict``).
    """
    doc: dict[str, Any] = {f: record.get(f) for f in _SOURCE_FIELDS}
    doc["code"] = str(record["code"])
    doc["title"] = str(record["title"])
    doc["level"] = int(record["level"])
    category = record.get("category")
    # Enum members (StrEnum) are stored by value.
    doc["category"] = getattr(category, "value", category)
    keywords = [str(k) for k in (record.get("keywords") or [])]
    aliases = [str(a) for a in (record.get("aliases") or [])]
    doc["keywords"] = keywords
    doc["aliases"] = aliases
    doc["is_active"] = bool(record.get("is_active", True))
    doc["title_norm"] = normalise_text(doc["title"])
    doc["keywords_norm"] = normalise_list(keywords)
    doc["aliases_norm"] = normalise_list(aliases)
    doc["match_words"] = match_words(doc["title_norm"], doc["aliases_norm"], doc["keywords_norm"])
    doc["title_words"] = distinct_words([doc["title_norm"]])
    doc["aliases_words"] = distinct_words(doc["aliases_norm"])
    doc["keywords_words"] = distinct_words(doc["keywords_norm"])
    doc["description_words"] = distinct_words([normalise_text(doc.get("description"))])
    return doc


# --------------------------------------------------------------------------- queries


def _starts_a_word(fields: tuple[str, ...], word: str) -> dict[str, Any]:
    clauses = [{"prefix": {field: {"value": word}}} for field in fields]
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _contains(field: str, words: tuple[str, ...]) -> dict[str, Any]:
    # Every word must start a word of the field, in any order. On an array field each
    # query word may sit in a different element.
    return {"bool": {"filter": [_starts_a_word((field,), w) for w in words]}}


def _some_words(words: tuple[str, ...], minimum: int) -> dict[str, Any]:
    fields = tuple(WORD_FIELDS.values())
    return {"bool": {"should": [_starts_a_word(fields, w) for w in words], "minimum_should_match": minimum}}


def _fuzzy_word(word: str, *, last: bool) -> dict[str, Any]:
    edits = fuzzy_max_edits(word)
    # The edit distance is computed here (not "AUTO") so the fallback uses the same
    # numbers; transpositions off because PostgreSQL's levenshtein() has none.
    # rewrite constant_score: every vocabulary word within the distance counts (no
    # top-50 cut as with the default scoring rewrite, so PostgreSQL can match it
    # exactly), and the query never expands into boolean clauses (1024-clause limit).
    clause: dict[str, Any] = (
        {
            "fuzzy": {
                "match_words": {
                    "value": word,
                    "fuzziness": edits,
                    "prefix_length": 0,
                    "transpositions": False,
                    "rewrite": "constant_score",
                }
            }
        }
        if edits
        else {"term": {"match_words": {"value": word}}}
    )
    if not last:
        return clause
    # The last word is still being typed: a plain prefix of a word also counts.
    return {
        "bool": {
            "should": [clause, {"prefix": {"match_words": {"value": word}}}],
            "minimum_should_match": 1,
        }
    }


def tier_queries(prepared: PreparedQuery, *, broad: bool = True) -> list[tuple[Tier, dict[str, Any]]]:
    """One filter clause per tier that can apply to this query, best tier first.

    broad=False leaves out BROAD_TIERS.
    """
    out: list[tuple[Tier, dict[str, Any]]] = []
    t = TIER_BY_NAME
    if prepared.raw_code:
        out.append((t["exact_code"], {"terms": {"code": exact_code_candidates(prepared.raw_code)}}))
        out.append((t["code_prefix"], {"prefix": {"code": {"value": prepared.raw_code}}}))
    words = prepared.words
    if words:
        text = prepared.text
        out += [
            (t["exact_title"], {"term": {"title_norm": {"value": text}}}),
            (t["title_prefix"], {"prefix": {"title_norm": {"value": text}}}),
            (t["exact_alias"], {"term": {"aliases_norm": {"value": text}}}),
            (t["exact_keyword"], {"term": {"keywords_norm": {"value": text}}}),
            *((t[tier], _contains(field, words)) for tier, field in WORD_FIELDS.items()),
            (
                t["fuzzy"],
                {"bool": {"filter": [_fuzzy_word(w, last=i == len(words) - 1) for i, w in enumerate(words)]}},
            ),
        ]
        if prepared.some_words_minimum:
            out.append((t["some_words"], _some_words(prepared.content_words, prepared.some_words_minimum)))
    return out if broad else [(tier, clause) for tier, clause in out if tier.name not in BROAD_TIERS]


def _coverage(prepared: PreparedQuery) -> list[dict[str, Any]]:
    # Inside a tier, a row holding more of the query's words goes first: without this,
    # one rare word's BM25 weight outranked rows holding three of four words (held-out
    # recall@1 0.588 -> 0.639 on a 1,500-item sample). Only the broad tiers need it: in
    # every other tier each row holds every word, so a body without them leaves it out.
    words = prepared.content_words
    if len(words) < 2:
        return []
    fields = tuple(WORD_FIELDS.values())
    boost = COVERAGE_WEIGHT
    return [{"constant_score": {"filter": _starts_a_word(fields, w), "boost": boost}} for w in words]


def _relevance(prepared: PreparedQuery, *, broad: bool) -> list[dict[str, Any]]:
    if not prepared.words:
        return []
    return [
        *(_coverage(prepared) if broad else []),
        {
            "multi_match": {
                "query": prepared.text,
                "fields": list(RELEVANCE_FIELDS),
                "type": "best_fields",
                "tie_breaker": 0.3,
            }
        },
        {"multi_match": {"query": prepared.words[-1], "fields": list(PREFIX_FIELDS), "type": "best_fields"}},
    ]


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if offset < 0 or offset + limit > MAX_WINDOW:
        raise ValueError(f"offset must be >= 0 and offset + limit <= {MAX_WINDOW}")


def build_naics_search(
    query: str | None,
    filters: FilterInput | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    active_only: bool = True,
    broad: bool = True,
) -> dict[str, Any]:
    """The search body for ``client.search(index=alias, body=...)``.

    filters: facet filters by facet name (sector, category, level); each a value or
    a list of values (ORed). Raises ValueError for unknown facets or bad paging.
    A query that normalises to nothing matches nothing (and shows empty facets).
    """
    _check_page(limit, offset)
    clauses = filter_clauses(NAICS_FACETS, normalise_filters(NAICS_FACETS, filters))
    prepared = prepare_query(query)
    tiers = tier_queries(prepared, broad=broad)

    base_filters: list[dict[str, Any]] = []
    if active_only:
        base_filters.append({"term": {"is_active": True}})
    if tiers:
        # dis_max over constant_score tiers scores a hit by its best tier (tie_breaker 0),
        # and the bool adds BM25 on top. Unlike function_score filter functions (each
        # filter re-evaluated per candidate hit), every tier runs once as a query: one
        # pass over its terms, the cheap and documented way on any engine (20 s -> 0.5 s
        # per query on osmem with the full Census data on a loaded 2-core machine).
        search_query: dict[str, Any] = {
            "bool": {
                "must": [
                    {
                        "dis_max": {
                            "queries": [
                                {"constant_score": {"filter": c, "boost": tier.score * TIER_WEIGHT}}
                                for tier, c in tiers
                            ],
                            "tie_breaker": 0.0,
                        }
                    }
                ],
                "filter": base_filters,
                "should": _relevance(prepared, broad=broad),
            }
        }
    else:
        search_query = {"match_none": {}}

    return faceted_page(
        search_query,
        [{"_score": {"order": "desc"}}, {"code": {"order": "asc"}}],
        NAICS_FACETS,
        clauses,
        limit=limit,
        offset=offset,
        source_excludes=INTERNAL_FIELDS,
    )


# --------------------------------------------------------------------------- responses


def _hit_score(hit: Mapping[str, Any]) -> float:
    # With an explicit sort the score is the first sort value; _score may be null.
    sort = hit.get("sort")
    if sort:
        return float(sort[0])
    return float(hit.get("_score") or 0.0)


def parse_naics_response(response: Mapping[str, Any]) -> NaicsSearchResult:
    """Hits with their tier as ``score``/``match_type``, total and facets."""
    items: list[NaicsHit] = []
    hits = response.get("hits", {})
    for hit in hits.get("hits", []):
        engine_score = _hit_score(hit)
        tier = tier_for_engine_score(engine_score)
        if tier is None:
            # Cannot happen with bodies from build_naics_search (every hit matched a
            # tier); skip rather than invent a score.
            continue
        source = dict(hit.get("_source") or {})
        items.append(
            NaicsHit(
                code=str(source.get("code", hit.get("_id"))),
                title=str(source.get("title", "")),
                score=tier.score,
                match_type=tier.name,
                source=source,
                coverage=int((engine_score - tier.score * TIER_WEIGHT) // COVERAGE_WEIGHT),
            )
        )
    total = hits.get("total", 0)
    total_value = int(total["value"]) if isinstance(total, Mapping) else int(total or 0)
    return NaicsSearchResult(
        total=total_value, items=items, facets=parse_facets(NAICS_FACETS, response.get("aggregations"))
    )


# --------------------------------------------------------------------------- browse and autocomplete

# What a listing without a query shows in place of a tier: every row, in code order.
BROWSE = Tier("browse", 0)
# The fields an API item shows; autocomplete fetches only these.
ITEM_FIELDS: tuple[str, ...] = ("code", "title", "level", "sector", "sector_title", "category")
MAX_AUTOCOMPLETE_LIMIT = 20


def build_naics_browse(
    filters: FilterInput | None = None, *, limit: int = 20, offset: int = 0, active_only: bool = True
) -> dict[str, Any]:
    """Every (active) code passing the filters, in code order, with the same facets as a search."""
    _check_page(limit, offset)
    clauses = filter_clauses(NAICS_FACETS, normalise_filters(NAICS_FACETS, filters))
    base_filters: list[dict[str, Any]] = [{"term": {"is_active": True}}] if active_only else []
    return faceted_page(
        {"bool": {"filter": base_filters}} if base_filters else {"match_all": {}},
        [{"code": {"order": "asc"}}],
        NAICS_FACETS,
        clauses,
        limit=limit,
        offset=offset,
        source_excludes=INTERNAL_FIELDS,
    )


def parse_naics_browse_response(response: Mapping[str, Any]) -> NaicsSearchResult:
    hits = response.get("hits", {})
    items = []
    for hit in hits.get("hits", []):
        source = dict(hit.get("_source") or {})
        code = str(source.get("code", hit.get("_id")))
        items.append(NaicsHit(code, str(source.get("title", "")), BROWSE.score, BROWSE.name, source))
    total = hits.get("total", 0)
    total_value = int(total["value"]) if isinstance(total, Mapping) else int(total or 0)
    return NaicsSearchResult(
        total=total_value, items=items, facets=parse_facets(NAICS_FACETS, response.get("aggregations"))
    )


def build_naics_autocomplete(query: str | None, *, limit: int = 8, broad: bool = True) -> dict[str, Any]:
    """The search body trimmed for per-keystroke calls: no aggregations, only the item fields.

    broad=False: without BROAD_TIERS, the cheap first try (see services.naics_search).
    """
    if not 1 <= limit <= MAX_AUTOCOMPLETE_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_AUTOCOMPLETE_LIMIT}")
    body = build_naics_search(query, None, limit=limit, offset=0, broad=broad)
    del body["aggs"]
    body["_source"] = {"includes": list(ITEM_FIELDS)}
    return body
