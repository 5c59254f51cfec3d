"""NAICS search request bodies: the tiered search, browsing in code order, autocomplete.

How the tiers become one ranking: the query is a bool whose ``must`` is a
``dis_max`` of one ``constant_score`` per tier (boost ``tier.score * 1000``), so
a document matches only if it matches at least one tier and that clause scores
it by its best tier; the bool ``should`` adds 100 per content word the row holds
(coverage) and BM25 text relevance, so the engine score is
``best_tier * 1000 + 100 * coverage + BM25``. Sorting by ``[_score desc, code asc]``
thus orders by best tier, then coverage, then relevance, then code; the tier is read
back from the score (app.search.naics_results) and the API only ever sees the tier.

The exact, prefix, contains, fuzzy and some_words tiers match the normalised fields of
the document (app.search.naics_document), never engine analysis, so the PostgreSQL
fallback can reproduce them exactly. "Contains" means every query word starts a word of
the field: a prefix query on a keyword array of the field's words, one seek in the terms
dictionary, where a ``*word*`` wildcard would scan all of them on every keystroke (and
would let "dent" match "accident").

User text only ever appears as a value inside a dict (term, prefix, fuzzy,
multi_match): no query_string, no concatenated DSL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.limits import MAX_AUTOCOMPLETE_LIMIT, check_page
from app.search.facets import NAICS_FACETS, FilterInput, faceted_page, filter_clauses, normalise_filters
from app.search.naics_document import (
    ELEMENT_FIELDS,
    FOLD_FIELDS,
    INTERNAL_FIELDS,
    ITEM_FIELDS,
    NORM_FIELDS,
    WORD_FIELDS,
)
from app.search.text import PreparedQuery, SpelledWords, exact_code_candidates, prepare_query
from app.search.tiers import (
    BROAD_TIERS,
    COVERAGE_WEIGHT,
    LIKELY_WEIGHT,
    TEXT_FIELDS,
    TIER_WEIGHT,
    TIERS,
    Rule,
    Tier,
)
from app.search.wording import root

# BM25 tie-break inside a tier: English-analysed text fields, title weighted most.
RELEVANCE_FIELDS: tuple[str, ...] = ("title^3", "aliases^2", "keywords^2", "examples", "description")
# The relevance fields' weights per text field (RELEVANCE_FIELDS: "title^3" -> title: 3).
_FIELD_BOOSTS: dict[str, float] = {
    name: float(boost or 1) for name, _, boost in (field.partition("^") for field in RELEVANCE_FIELDS)
}
# Search-as-you-type: the last (maybe partial) word also scores on edge n-gram fields.
PREFIX_FIELDS: tuple[str, ...] = ("title.prefix^3", "aliases.prefix^2", "keywords.prefix^2")


def _starts_a_word(fields: tuple[str, ...], word: str) -> dict[str, Any]:
    clauses = [{"prefix": {field: {"value": word}}} for field in fields]
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _word_or_root(field: str, word: str) -> dict[str, Any]:
    # The word starts a word of the field, or its root is the root of one ("pharmacy" finds
    # "pharmacies" but, unlike the prefix "pharmac", not "pharmaceutical").
    clause = {"prefix": {field: {"value": word}}}
    if (stem := root(word)) == word:
        return clause
    return _any([clause, {"term": {field: {"value": stem}}}])


def _contains(field: str, words: tuple[str, ...]) -> dict[str, Any]:
    # Every word must start a word of the field, in any order. On an array field each
    # query word may sit in a different element.
    return {"bool": {"filter": [_word_or_root(field, w) for w in words]}}


def _contains_in(field: str, words: tuple[str, ...]) -> dict[str, Any]:
    """Every word starts a word of the field; of one element, for the array fields."""
    path = ELEMENT_FIELDS.get(field)
    if path is None or len(words) < 2:
        # One word is in one element wherever it is: the flat array answers the same.
        return _contains(f"{field}_words", words)
    return {"nested": {"path": path, "query": _contains(f"{path}.words", words), "score_mode": "none"}}


def _some_words(words: tuple[str, ...], minimum: int) -> dict[str, Any]:
    fields = tuple(WORD_FIELDS.values())
    return {"bool": {"should": [_starts_a_word(fields, w) for w in words], "minimum_should_match": minimum}}


def _fuzzy_word(word: str, edits: int, *, last: bool) -> dict[str, Any]:
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


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _text_clause(tier: Tier, prepared: PreparedQuery) -> dict[str, Any] | None:
    """A text tier's clause: the row matches if one form of the query does."""
    field = str(tier.field)
    forms = prepared.forms
    if tier.rule is Rule.EXACT:
        kind = "term"
    elif tier.rule is Rule.PREFIX:
        kind = "prefix"
    elif tier.rule is Rule.CONTAINS:
        return _any([_contains_in(field, form.words) for form in forms])
    else:
        return None
    clauses: list[dict[str, Any]] = []
    for form in forms if kind == "term" else prepared.prefix_forms:
        clauses.append({kind: {NORM_FIELDS[field]: {"value": form.text}}})
        # Folded, whole words only: the prefix tier's partial last word is the as-typed
        # clause's job ("pharmac" must not reach "pharmaceutical" through a fold).
        clauses.append({"term": {FOLD_FIELDS[field]: {"value": form.fold}}})
        if kind == "prefix":
            clauses.append({"prefix": {FOLD_FIELDS[field]: {"value": form.fold + " "}}})
    return _any(clauses)


def tier_clause(tier: Tier, prepared: PreparedQuery) -> dict[str, Any] | None:
    """The filter clause of one tier for this query, or None when the tier cannot apply."""
    rule, code, words = tier.rule, prepared.raw_code, prepared.words
    if rule is Rule.EXACT_CODE:
        return {"terms": {"code": exact_code_candidates(code)}} if code else None
    if rule is Rule.CODE_PREFIX:
        return {"prefix": {"code": {"value": code}}} if code else None
    if rule is Rule.LISTED_CODE:
        return {"term": {str(tier.field): {"value": code}}} if code and len(code) == 6 else None
    if rule is Rule.SIC_CODE:
        return {"term": {str(tier.field): {"value": prepared.sic_code}}} if prepared.sic_code else None
    if not words:
        return None
    if rule is Rule.FUZZY:
        if not prepared.may_have_typos:
            return None
        last = len(words) - 1
        clauses = [_fuzzy_word(w, prepared.typo_edits(w), last=i == last) for i, w in enumerate(words)]
        return {"bool": {"filter": clauses}}
    if rule is Rule.SOME_WORDS:
        minimum = prepared.some_words_minimum
        return _some_words(prepared.content_roots, minimum) if minimum else None
    return _text_clause(tier, prepared)


def tier_queries(prepared: PreparedQuery, *, broad: bool = True) -> list[tuple[Tier, dict[str, Any]]]:
    """One filter clause per tier that can apply to this query, best tier first.

    broad=False leaves out BROAD_TIERS.
    """
    out: list[tuple[Tier, dict[str, Any]]] = []
    for tier in TIERS:
        if not broad and tier.name in BROAD_TIERS:
            continue
        if (clause := tier_clause(tier, prepared)) is not None:
            out.append((tier, clause))
    return out


def _coverage(prepared: PreparedQuery) -> list[dict[str, Any]]:
    # Inside a tier, a row holding more of the query's words goes first: without this,
    # one rare word's BM25 weight outranked rows holding three of four words (held-out
    # recall@1 0.588 -> 0.639 on a 1,500-item sample). Only the broad tiers need it: in
    # every other tier each row holds every word, so a body without them leaves it out.
    words = prepared.content_roots
    if len(words) < 2:
        return []
    fields = tuple(WORD_FIELDS.values())
    boost = COVERAGE_WEIGHT
    return [{"constant_score": {"filter": _starts_a_word(fields, w), "boost": boost}} for w in words]


def _likely_first(likely: Sequence[str]) -> list[dict[str, Any]]:
    # Inside its tier, a code the service names as one of the classifier's likeliest goes
    # first, so that the first page it reorders holds it even when the tier has hundreds of
    # hits (every code holding "manufacturing"): services.naics_classifier.LIKELY_CODES.
    if not likely:
        return []
    return [{"constant_score": {"filter": {"terms": {"code": list(likely)}}, "boost": LIKELY_WEIGHT}}]


def _relevance(prepared: PreparedQuery, *, broad: bool, likely: Sequence[str] = ()) -> list[dict[str, Any]]:
    if not prepared.words:
        return []
    return [
        *_likely_first(likely),
        *(_coverage(prepared) if broad else []),
        {
            "multi_match": {
                "query": prepared.text,
                "fields": list(RELEVANCE_FIELDS),
                "type": "best_fields",
                "tie_breaker": 0.3,
            }
        },
        # The last word's root: "pharmacy" scores "Pharmacies" as it scores "Pharmacy".
        {
            "multi_match": {
                "query": root(prepared.words[-1]),
                "fields": list(PREFIX_FIELDS),
                "type": "best_fields",
            }
        },
    ]


def _tier_score(tier: Tier, clause: dict[str, Any], prepared: PreparedQuery) -> dict[str, Any]:
    """A tier's entry in the dis_max: its band, and for the typo tier an order inside it.

    Typo hits have no exact words for BM25 to weigh, so without more they came in code order.
    Inside the fuzzy band, a fuzzy multi_match over the relevance fields orders them by where
    the corrected word sits (title^3 ...), how close it is (Lucene scales a fuzzy term's weight
    by its similarity) and how rare it is; it lives in this tier's entry only, so it never
    reorders another tier.
    """
    band = {"constant_score": {"filter": clause, "boost": tier.score * TIER_WEIGHT}}
    if tier.rule is not Rule.FUZZY:
        return band
    order = [_typo_order(w, edits) for w in prepared.words if (edits := prepared.typo_edits(w))]
    return {"bool": {"must": [band], "should": order}}


def _typo_order(word: str, edits: int) -> dict[str, Any]:
    # Per query word, its best field: the same words and edit budget as the fuzzy tier, but
    # scored (Lucene's default fuzzy rewrite weighs each near word by its similarity and its
    # frequency), with the relevance fields' weights. Summed over words: more words, higher.
    return {
        "dis_max": {
            "queries": [
                {
                    "fuzzy": {
                        f"{field}_words": {
                            "value": word,
                            "fuzziness": edits,
                            "prefix_length": 0,
                            "transpositions": False,
                            "boost": _FIELD_BOOSTS[field],
                        }
                    }
                }
                for field in TEXT_FIELDS
                if field in NORM_FIELDS  # the fuzzy tier's words: title, aliases, keywords
            ]
        }
    }


def build_naics_search(
    query: str | None,
    filters: FilterInput | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    active_only: bool = True,
    broad: bool = True,
    spelled: SpelledWords | None = None,
    likely: Sequence[str] = (),
) -> dict[str, Any]:
    """The search body for ``client.search(index=alias, body=...)``.

    filters: facet filters by facet name (sector, category, level); each a value or
    a list of values (ORed). Raises ValueError for unknown facets or bad paging.
    A query that normalises to nothing matches nothing (and shows empty facets).
    spelled: the catalogue's words, when known; the fuzzy tier never corrects them.
    likely: codes ranked first inside their tier (the classifier's likeliest for the query).
    """
    check_page(limit, offset)
    clauses = filter_clauses(NAICS_FACETS, normalise_filters(NAICS_FACETS, filters))
    prepared = prepare_query(query, spelled)
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
                            "queries": [_tier_score(tier, c, prepared) for tier, c in tiers],
                            "tie_breaker": 0.0,
                        }
                    }
                ],
                "filter": base_filters,
                "should": _relevance(prepared, broad=broad, likely=likely),
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


def build_naics_browse(
    filters: FilterInput | None = None, *, limit: int = 20, offset: int = 0, active_only: bool = True
) -> dict[str, Any]:
    """Every (active) code passing the filters, in code order, with the same facets as a search."""
    check_page(limit, offset)
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


def build_naics_autocomplete(
    query: str | None, *, limit: int = 8, broad: bool = True, spelled: SpelledWords | None = None
) -> dict[str, Any]:
    """The search body trimmed for per-keystroke calls: no aggregations, only the item fields.

    broad=False: without BROAD_TIERS, the cheap first try (see services.naics_search).
    """
    check_page(limit, 0, MAX_AUTOCOMPLETE_LIMIT)
    body = build_naics_search(query, None, limit=limit, offset=0, broad=broad, spelled=spelled)
    del body["aggs"]
    body["_source"] = {"includes": list(ITEM_FIELDS)}
    return body
