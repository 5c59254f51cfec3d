"""NAICS search in PostgreSQL: the same tiers as OpenSearch, for when the engine is gone.

One parameterised statement computes every row's best tier with a CASE over the rules in
opensearch/README.md, on strings normalised by levelith_normalise() (migration
0002_search, the SQL twin of app.search.text.normalise_text). User text only ever reaches
the database as bind parameters, already normalised and split into words in Python by
prepare_query(), exactly as the OpenSearch builder receives it.

Inside a tier, rows are ordered by coverage (content words held, as in the engine), then
by a text-relevance proxy for the engine's BM25: per-field
ts_rank over English tsvectors, weighted like RELEVANCE_FIELDS (title 3, aliases and
keywords 2, examples and description 1), plus the last word as an unstemmed prefix on
title, aliases and keywords (the engine's edge n-gram fields, PREFIX_FIELDS); then by code.
The facet counts come from GROUP BY queries over the same matched rows, each with every
filter applied except its own.

The SQL is assembled from constant fragments at import time (hence the S608 waivers, for the
whole module: every formatted piece is a constant of this module or of app.search.tiers);
nothing from a request is ever formatted into it.
"""
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Integer, String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.limits import FACET_SIZE
from app.naics.exclusions import EXCLUSION_SQL, EXCLUSION_SQL_LEAD
from app.search.naics_document import ELEMENT_FIELDS, NORM_FIELDS
from app.search.text import PreparedQuery, exact_code_candidates
from app.search.tiers import COVERAGE_WEIGHT, LIKELY_WEIGHT, TIERS, Rule, Tier
from app.search.wording import SUFFIX_RULES, root

_FILTERED = "in_sector AND in_category AND in_level"

# A row's NAICS 2017 and SIC source codes (jsonb lists, migration 0003) as text[]. The engine
# document leaves out a 2017 code equal to the row's own code; that changes no tier here
# either, since exact_code ranks first.
SOURCE_CODE_COLUMNS: dict[str, str] = {
    "former_codes": "ARRAY(SELECT jsonb_array_elements_text(n.naics_2017_codes))",
    "sic_codes": "ARRAY(SELECT jsonb_array_elements_text(n.sic_codes))",
}


def kept_sql(value: str, normalised: str) -> str:
    """SQL twin of app.search.naics_document.kept_text: normalised, exclusions left out.

    The pattern runs only on texts holding "exc"; the others are their normalised selves
    (``normalised``), not normalised a second time. The kept texts cost the fallback's search
    statement about a sixth more (median 166-173 -> 198-203 ms, 13 queries, development
    catalogue: bench/README.md, stop 29)."""
    return (
        f"CASE WHEN strpos(lower({value}), 'exc') > 0 "
        f"THEN levelith_normalise(regexp_replace({value}, :exclusion, :exclusion_lead, 'gi')) "
        f"ELSE {normalised} END"
    )


def _fold(value: str) -> str:
    """SQL twin of app.search.wording.fold_text, driven by its SUFFIX_RULES (bind parameters)."""
    return f"""(SELECT coalesce(string_agg(
                CASE WHEN r.strip > 0 THEN left(t.w, length(t.w) - r.strip) ELSE t.w END,
                ' ' ORDER BY t.i), '')
     FROM unnest(string_to_array({value}, ' ')) WITH ORDINALITY AS t(w, i)
     LEFT JOIN LATERAL (
         SELECT x.strip, x.shortest
         FROM unnest(CAST(:fold_suffixes AS text[]), CAST(:fold_strips AS int[]),
                     CAST(:fold_shortest AS int[])) WITH ORDINALITY AS x(s, strip, shortest, o)
         WHERE right(t.w, length(x.s)) = x.s AND (x.strip = 0 OR length(t.w) - x.strip >= x.shortest)
         ORDER BY x.o LIMIT 1) AS r ON true
     WHERE t.w <> '')"""


def _starts_with_a_first_root(value: str, forms: str) -> str:
    # fold(value) equal to, or starting with, a form's fold means value starts with that
    # form's first root (a root is a prefix of its word): a cheap test before folding.
    first_roots = f"unnest(CAST(:{forms}_first_roots AS text[])) AS f1(r)"
    return f"EXISTS (SELECT 1 FROM {first_roots} WHERE starts_with({value}, f1.r))"


def _text_matches(rule: Rule, value: str) -> str:
    """One normalised text value against the query forms: exact or prefix as typed, or the
    folded value equal to a form's fold or (prefix) starting with it and then a space. The
    prefix tier compares only the forms it takes (PreparedQuery.prefix_forms)."""
    if rule is Rule.EXACT:
        forms = "form"
        plain = f"{value} = ANY(CAST(:form_texts AS text[]))"
        folded = f"{_fold(value)} = ANY(CAST(:form_folds AS text[]))"
    else:
        forms = "prefix"
        plain = (
            f"EXISTS (SELECT 1 FROM unnest(CAST(:prefix_texts AS text[])) AS ft(t) "
            f"WHERE starts_with({value}, ft.t))"
        )
        folded = (
            f"EXISTS (SELECT 1 FROM unnest(CAST(:prefix_folds AS text[])) AS ff(t), LATERAL "
            f"(SELECT {_fold(value)} AS f) AS fv WHERE fv.f = ff.t OR starts_with(fv.f, ff.t || ' '))"
        )
    return f"({plain} OR CASE WHEN {_starts_with_a_first_root(value, forms)} THEN {folded} ELSE false END)"


# Each text field of the tiers as one normalised string, or as its values (the array fields:
# exact and prefix compare each value, contains needs every word in one of them, as
# app.search.naics_document.ELEMENT_FIELDS), over the columns of the `covered` CTE.
# (No exact or prefix tier reads the description: only its kept form below is computed.)
_FIELD_TEXT: dict[str, str] = {"title": "b.title_norm"}
_FIELD_VALUES: dict[str, str] = {field: f"b.{NORM_FIELDS[field]}" for field in ELEMENT_FIELDS}
# The same without the fields' exclusion clauses (app.naics.exclusions): what the contains
# and some_words tiers read, as the engine document's *_words fields.
_KEPT_TEXT: dict[str, str] = {"title": "b.title_kept", "description": "b.description_kept"}
_KEPT_VALUES: dict[str, str] = {field: f"b.{field}_kept" for field in ELEMENT_FIELDS}


def _tier_condition(tier: Tier) -> str:
    """The SQL condition of one tier (the twin of naics_queries.tier_clause)."""
    rule, field = tier.rule, str(tier.field)
    if rule is Rule.EXACT_CODE:
        return ":code <> '' AND b.code = ANY(CAST(:code_candidates AS text[]))"
    if rule is Rule.CODE_PREFIX:
        return ":code <> '' AND starts_with(b.code, :code)"
    if rule is Rule.LISTED_CODE:
        return f"length(:code) = 6 AND :code = ANY(b.{field})"
    if rule is Rule.SIC_CODE:
        return f":sic <> '' AND :sic = ANY(b.{field})"
    if rule in (Rule.EXACT, Rule.PREFIX):
        values = _FIELD_VALUES.get(field)
        if values is None:
            return f":nwords > 0 AND {_text_matches(rule, _FIELD_TEXT[field])}"
        matches = _text_matches(rule, "v.x")
        return f":nwords > 0 AND EXISTS (SELECT 1 FROM unnest({values}) AS v(x) WHERE {matches})"
    if rule is Rule.CONTAINS:
        # "Contains": for some form, every word starts a word of the field (' ' || word occurs
        # in ' ' || field: normalised text is single-space separated) or its root is a word or
        # a word's root there (naics_queries._word_or_root). A root is a prefix of its word: the
        # cheap strpos goes first, the fold only for rows that pass it.
        values = _KEPT_VALUES.get(field)
        text = _KEPT_TEXT[field] if values is None else "e.x"
        words_and_roots = f"' ' || {text} || ' ' || {_fold(text)} || ' '"
        condition = f"""EXISTS (
            SELECT 1 FROM unnest(CAST(:form_ids AS int[])) AS f(v)
            WHERE NOT EXISTS (
                SELECT 1 FROM form_roots AS fr
                WHERE fr.v = f.v AND strpos(' ' || {text}, ' ' || fr.w) = 0
                  AND NOT (fr.r <> fr.w AND strpos(' ' || {text}, ' ' || fr.r) > 0
                           AND strpos({words_and_roots}, ' ' || fr.r || ' ') > 0)))"""
        if values is not None:
            condition = f"EXISTS (SELECT 1 FROM unnest({values}) AS e(x) WHERE {condition})"
        return f":nwords > 0 AND {condition}"
    if rule is Rule.FUZZY:
        # Broad (app.search.tiers.BROAD_RULES): only when asked, and only for a query with a
        # word that may be misspelt (PreparedQuery.may_have_typos).
        return """:broad AND :typos AND :nwords > 0 AND (SELECT count(*) FROM fuzzy_hits
              WHERE fuzzy_hits.tokens && string_to_array(concat_ws(' ', b.title_norm,
                        array_to_string(b.aliases_norm, ' '), array_to_string(b.keywords_norm, ' ')), ' ')
             ) = :nwords"""
    if rule is Rule.SOME_WORDS:
        return ":broad AND :some_minimum > 0 AND b.coverage >= :some_minimum"
    raise ValueError(f"no SQL for tier {tier.name}")


# The tier as its position in TIERS (so the SQL never holds a score): -1 when browsing.
_TIER_CASE = (
    "CASE WHEN :browse THEN -1\n"
    + "\n".join(
        f"        WHEN {_tier_condition(tier)} THEN {position}" for position, tier in enumerate(TIERS)
    )
    + "\n    END"
)


def _kept_columns() -> str:
    """The base CTE's kept texts (kept_sql) over the normalised CTE's columns."""
    arrays = [
        f"""ARRAY(SELECT {kept_sql("u.raw", "u.norm")}
                 FROM unnest(ARRAY(SELECT jsonb_array_elements_text(b.{field})), b.{NORM_FIELDS[field]})
                      AS u(raw, norm)) AS {_KEPT_VALUES[field].removeprefix("b.")}"""
        for field in ELEMENT_FIELDS
    ]
    return ",\n           ".join(
        [
            f"{kept_sql('b.title', 'b.title_norm')} AS title_kept",
            f"{kept_sql('b.description', 'levelith_normalise(b.description)')} AS description_kept",
            *arrays,
        ]
    )


_KEPT_COLUMNS = _kept_columns()

_MATCH = f"""
-- MATERIALIZED: inlined into base, each normalisation ran twice (once more for its kept twin).
WITH normed AS MATERIALIZED (
    SELECT n.code, n.title, n.level, n.sector, s.title AS sector_title, n.category,
           n.description, n.examples, n.aliases, n.keywords,
           {SOURCE_CODE_COLUMNS["former_codes"]} AS former_codes,
           {SOURCE_CODE_COLUMNS["sic_codes"]} AS sic_codes,
           levelith_normalise(n.title) AS title_norm,
           ARRAY(SELECT levelith_normalise(e) FROM jsonb_array_elements_text(n.aliases) AS e) AS aliases_norm,
           ARRAY(SELECT levelith_normalise(e) FROM jsonb_array_elements_text(n.keywords) AS e)
               AS keywords_norm
    FROM naics_codes AS n
    LEFT JOIN naics_codes AS s ON s.code = n.sector
    WHERE n.is_active OR NOT :active_only
),
-- Each text again without what it excludes (kept_sql), for the contains tiers and coverage.
base AS (
    SELECT b.*, {_KEPT_COLUMNS}
    FROM normed AS b
),
words AS (
    SELECT q.w, q.k, q.i
    FROM unnest(CAST(:words AS text[]), CAST(:edits AS int[])) WITH ORDINALITY AS q(w, k, i)
),
-- The words of each form of the query (app.search.text.QueryForm) and their roots, by form.
form_roots AS (
    SELECT q.v, q.w, q.r
    FROM unnest(CAST(:root_forms AS int[]), CAST(:form_words AS text[]), CAST(:roots AS text[])) AS q(v, w, r)
),
-- The fuzzy tier's vocabulary: distinct words of titles, aliases and keywords. Only
-- evaluated when some row reaches the fuzzy branch of the CASE below.
vocab AS MATERIALIZED (
    SELECT DISTINCT t
    FROM base, unnest(string_to_array(concat_ws(' ', title_norm, array_to_string(aliases_norm, ' '),
                                                array_to_string(keywords_norm, ' ')), ' ')) AS t
    WHERE t <> ''
),
-- For each query word, the vocabulary words it matches: within its edit distance
-- (no transpositions, like the engine's fuzzy query), or as a prefix for the last word.
fuzzy_hits AS MATERIALIZED (
    SELECT words.i, array_agg(vocab.t) AS tokens
    FROM words JOIN vocab ON (
        vocab.t = words.w
        OR CASE WHEN words.k > 0 AND abs(length(vocab.t) - length(words.w)) <= words.k
                THEN levenshtein_less_equal(words.w, vocab.t, words.k) <= words.k
                ELSE false END
        OR (words.i = :nwords AND starts_with(vocab.t, words.w))
    )
    GROUP BY words.i
),
-- How many of the query's content words (their roots) start a word of the row (any field):
-- the some_words tier's test and, inside every tier, the first ordering key (coverage).
covered AS (
    SELECT b.*,
           (SELECT count(*) FROM unnest(CAST(:content_words AS text[])) AS c(w)
            WHERE strpos(' ' || concat_ws(' ', b.title_kept, array_to_string(b.aliases_kept, ' '),
                                          array_to_string(b.keywords_kept, ' '), b.description_kept),
                         ' ' || c.w) > 0) AS coverage
    FROM base AS b
),
tiered AS (
    SELECT b.*, {_TIER_CASE} AS tier
    FROM covered AS b
),
hits AS MATERIALIZED (
    SELECT t.code, t.title, t.level, t.sector, t.sector_title, t.category, t.tier,
           CASE WHEN :browse OR :nwords = 0 THEN 0.0 ELSE
               -- The classifier's likeliest codes first inside their tier (LIKELY_WEIGHT).
               CASE WHEN t.code = ANY(CAST(:likely AS text[])) THEN :likely_weight ELSE 0 END
               -- COVERAGE_WEIGHT per content word, for queries of two or more of them.
             + CASE WHEN cardinality(CAST(:content_words AS text[])) >= 2
                    THEN :coverage_weight * t.coverage ELSE 0 END
             + 3 * ts_rank(to_tsvector('english', t.title_norm), to_tsquery('english', :words_query), 1)
             + 2 * ts_rank(to_tsvector('english', array_to_string(t.aliases_norm, ' ') || ' '
                                                 || array_to_string(t.keywords_norm, ' ')),
                           to_tsquery('english', :words_query), 1)
             + ts_rank(to_tsvector('english', levelith_normalise(t.examples)),
                       to_tsquery('english', :words_query), 1)
             -- The description as the contains tier reads it: normalised once, not twice.
             + ts_rank(to_tsvector('english', t.description_kept), to_tsquery('english', :words_query), 1)
             -- Search-as-you-type: the last word as a prefix, on title, aliases and keywords only.
             + 3 * ts_rank(to_tsvector('simple', t.title_norm), to_tsquery('simple', :prefix_query), 1)
             + 2 * ts_rank(to_tsvector('simple', array_to_string(t.aliases_norm, ' ') || ' '
                                                 || array_to_string(t.keywords_norm, ' ')),
                           to_tsquery('simple', :prefix_query), 1)
           END AS rank,
           (cardinality(CAST(:sectors AS text[])) = 0 OR t.sector = ANY(CAST(:sectors AS text[])))
               AS in_sector,
           (cardinality(CAST(:categories AS text[])) = 0 OR t.category = ANY(CAST(:categories AS text[])))
               AS in_category,
           (cardinality(CAST(:levels AS int[])) = 0 OR t.level = ANY(CAST(:levels AS int[]))) AS in_level
    FROM tiered AS t
    WHERE t.tier IS NOT NULL
)
SELECT
    (SELECT count(*) FROM hits WHERE {_FILTERED}) AS total,
    (SELECT coalesce(json_agg(p ORDER BY p.tier, p.rank DESC, p.code), '[]')
     FROM (SELECT code, title, level, sector, sector_title, category, tier, rank FROM hits
           WHERE {_FILTERED}
           ORDER BY tier, rank DESC, code LIMIT :limit OFFSET :offset) AS p) AS items
"""


def _facet(column: str, label: str, where: str) -> str:
    return f"""(SELECT coalesce(json_agg(f ORDER BY f.count DESC, f.value), '[]')
     FROM (SELECT {column} AS value, {label} AS label, count(*) AS count FROM hits
           WHERE {where} AND {column} IS NOT NULL
           GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT {FACET_SIZE}) AS f)"""


_FACETS = f""",
    {_facet("sector", "max(sector_title)", "in_category AND in_level")} AS sector_facet,
    {_facet("category", "NULL", "in_sector AND in_level")} AS category_facet,
    {_facet("level", "NULL", "in_sector AND in_category")} AS level_facet
"""

_PARAMS = (
    bindparam("words", type_=ARRAY(String)),
    bindparam("content_words", type_=ARRAY(String)),
    bindparam("edits", type_=ARRAY(Integer)),
    bindparam("code_candidates", type_=ARRAY(String)),
    bindparam("form_texts", type_=ARRAY(String)),
    bindparam("form_folds", type_=ARRAY(String)),
    bindparam("form_first_roots", type_=ARRAY(String)),
    bindparam("prefix_texts", type_=ARRAY(String)),
    bindparam("prefix_folds", type_=ARRAY(String)),
    bindparam("prefix_first_roots", type_=ARRAY(String)),
    bindparam("form_ids", type_=ARRAY(Integer)),
    bindparam("root_forms", type_=ARRAY(Integer)),
    bindparam("roots", type_=ARRAY(String)),
    bindparam("form_words", type_=ARRAY(String)),
    bindparam("fold_suffixes", type_=ARRAY(String)),
    bindparam("fold_strips", type_=ARRAY(Integer)),
    bindparam("fold_shortest", type_=ARRAY(Integer)),
    bindparam("sectors", type_=ARRAY(String)),
    bindparam("categories", type_=ARRAY(String)),
    bindparam("levels", type_=ARRAY(Integer)),
    bindparam("likely", type_=ARRAY(String)),
)
SEARCH_STATEMENT = text(_MATCH + _FACETS).bindparams(*_PARAMS)
AUTOCOMPLETE_STATEMENT = text(_MATCH).bindparams(*_PARAMS)


@dataclass(frozen=True, slots=True)
class NaicsFilterValues:
    """Facet filters, already canonical (sector "31" for 31/32/33/31-33). Empty means any."""

    sectors: Sequence[str] = ()
    categories: Sequence[str] = ()
    levels: Sequence[int] = ()


@dataclass(slots=True)
class PgNaicsResult:
    total: int
    # code, title, level, sector, sector_title, category, tier (position in TIERS; -1 when browsing)
    items: list[dict[str, Any]]
    # facet name -> [{"value", "label", "count"}]; label is None unless a column holds it
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def words_tsquery(words: Sequence[str]) -> str:
    """Query words ORed for to_tsquery: 'a' | 'b'.

    Words are normalised (letters and digits only), so quoting them is enough to keep
    to_tsquery's operators out; this text is a bind parameter, never part of the SQL.
    """
    return " | ".join(f"'{w}'" for w in words)


def prefix_tsquery(words: Sequence[str]) -> str:
    """The last word's root as a prefix, 'b':*, like the engine's edge n-gram fields (unstemmed)."""
    return f"'{root(words[-1])}':*" if words else ""


def _json(value: Any) -> Any:
    # asyncpg hands json columns over as text.
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


async def search_naics(
    session: AsyncSession,
    prepared: PreparedQuery,
    filters: NaicsFilterValues,
    *,
    limit: int,
    offset: int,
    browse: bool = False,
    with_facets: bool = True,
    active_only: bool = True,
    broad: bool = True,
    likely: Sequence[str] = (),
) -> PgNaicsResult:
    """Rows matching the query by best tier (or every row in code order when browsing).

    broad=False leaves out the fuzzy and some_words tiers (BROAD_TIERS). likely: codes ranked
    first inside their tier, as on the engine (naics_queries.build_naics_search).
    """
    words = list(prepared.words)
    params: dict[str, Any] = {
        "active_only": active_only,
        "browse": browse,
        "broad": broad,
        "words": words,
        "edits": [prepared.typo_edits(w) for w in words],
        "typos": prepared.may_have_typos,
        "nwords": len(words),
        "content_words": list(prepared.content_roots),
        "form_texts": [form.text for form in prepared.forms],
        "form_folds": [form.fold for form in prepared.forms],
        "form_first_roots": [form.roots[0] for form in prepared.forms],
        "prefix_texts": [form.text for form in prepared.prefix_forms],
        "prefix_folds": [form.fold for form in prepared.prefix_forms],
        "prefix_first_roots": [form.roots[0] for form in prepared.prefix_forms],
        "form_ids": list(range(len(prepared.forms))),
        "root_forms": [n for n, form in enumerate(prepared.forms) for _ in form.roots],
        "roots": [r for form in prepared.forms for r in form.roots],
        "form_words": [w for form in prepared.forms for w in form.words],
        "exclusion": EXCLUSION_SQL,
        "exclusion_lead": EXCLUSION_SQL_LEAD,
        "fold_suffixes": [rule[0] for rule in SUFFIX_RULES],
        "fold_strips": [rule[1] for rule in SUFFIX_RULES],
        "fold_shortest": [rule[2] for rule in SUFFIX_RULES],
        "sic": prepared.sic_code or "",
        "some_minimum": prepared.some_words_minimum,
        "coverage_weight": COVERAGE_WEIGHT,
        "likely": list(likely),
        "likely_weight": LIKELY_WEIGHT,
        "text": prepared.text,
        "code": prepared.raw_code or "",
        "code_candidates": exact_code_candidates(prepared.raw_code) if prepared.raw_code else [],
        "words_query": words_tsquery(words),
        "prefix_query": prefix_tsquery(words),
        "sectors": list(filters.sectors),
        "categories": list(filters.categories),
        "levels": list(filters.levels),
        "limit": limit,
        "offset": offset,
    }
    statement = SEARCH_STATEMENT if with_facets else AUTOCOMPLETE_STATEMENT
    row = (await session.execute(statement, params)).mappings().one()
    result = PgNaicsResult(total=int(row["total"]), items=_json(row["items"]))
    if with_facets:
        result.facets = {
            "sector": _json(row["sector_facet"]),
            "category": _json(row["category_facet"]),
            "level": _json(row["level_facet"]),
        }
    return result
