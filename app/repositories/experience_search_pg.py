"""Experience search in PostgreSQL, for when OpenSearch is gone.

Simpler relevance than the engine's: every query word must start a word of the
experience's normalised text (title, organization, tags, type-specific data,
description: levelith_experience_text() from migration 0002_search), as a prefix term of
a 'simple' tsvector over that text, served by the GIN expression index of migration
0004_experience_search; results whose title resembles the query most (pg_trgm
similarity) come first, then the newest (a blank query walks the btree sort index).

Returns the page's hits, built in the same statement with the SQL that reads engine hits
(app.repositories.experience_hits), the total and the facets, whose counts each ignore their
own filter. Only experiences of active owners are visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import msgspec
from sqlalchemy import String, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.repositories.experience_hits import PAGE_HITS, decode_hits
from app.schemas.experience_search import ExperienceItem
from app.search.facets import EXPERIENCE_FACETS
from app.search.text import MAX_QUERY_WORDS, PreparedQuery

# The engine's bucket counts per facet, so both back ends list as many values.
_FACET_SIZE = {spec.name: spec.size for spec in EXPERIENCE_FACETS}
# The expression of the GIN index of migration 0004_experience_search; it must be spelled
# the same here for the planner to use that index.
_TSVECTOR = (
    "to_tsvector('simple'::regconfig, "
    "levelith_experience_text(e.title, e.description, e.organization, e.tags, e.type_specific_data))"
)
_FILTERS = {
    "category": "in_category",
    "experience_type": "in_experience_type",
    "sector": "in_sector",
    "naics_code": "in_naics_code",
}
_ALL = " AND ".join(_FILTERS.values())


def _newest(alias: str) -> str:
    """The documented order of a blank query, and of equally ranked hits: newest first."""
    return f"{alias}.start_date DESC NULLS LAST, {alias}.created_at DESC NULLS LAST, {alias}.id"


def ts_prefix_query(words: Sequence[str]) -> str:
    """Every word as a quoted prefix term, ANDed: ``'nurse':* & 'ca':*`` for to_tsquery."""
    return " & ".join("'" + word.replace("\\", "\\\\").replace("'", "''") + "':*" for word in words)


def _facet(name: str, label_sql: str, with_size: int) -> str:
    """One facet from the cube: counts under every filter but its own, top values first."""
    where = " AND ".join(flag for other, flag in _FILTERS.items() if other != name)
    return f"""(SELECT coalesce(json_agg(f ORDER BY f.count DESC, f.value), '[]')
     FROM (SELECT c.{name} AS value, {label_sql} AS label, sum(c.n)::bigint AS count FROM cube AS c
           WHERE {where} AND c.{name} IS NOT NULL
           GROUP BY c.{name} ORDER BY sum(c.n) DESC, c.{name} LIMIT {with_size}) AS f) AS {name}_facet"""  # noqa: S608


_LABELS = {
    "category": "NULL",
    "experience_type": "NULL",
    "sector": "(SELECT title FROM naics_codes WHERE code = c.sector)",
    "naics_code": "(SELECT title FROM naics_codes WHERE code = c.naics_code)",
}


@cache
def _statement(has_words: bool, with_facets: bool) -> TextClause:
    """The statement for a text or blank query, with or without facets (every value is bound).

    The counts come from one scan grouped into a small cube by (category, experience_type,
    naics_code, sector): every filter is on one of those columns, so the total and each facet
    (ignoring its own filter) are sums over the cube, not further scans.

    With words, `matched` is materialized: the GIN scan, the heap rows and the owners' join
    happen once for the cube and the page. Inlined into both, they ran twice, and the same
    answers took three times as long (median 70 ms against 23 ms over 60 searches at 100,000
    synthetic experiences; 9.5 against 5.3 ms at 10,000; bench/README.md). A blank query keeps
    it inlined, so its page can walk the sort index.
    """
    match = f" AND {_TSVECTOR} @@ to_tsquery('simple', :tsquery)" if has_words else ""
    # pg_trgm folds case and skips punctuation itself; unaccent adds the accent folding of
    # levelith_normalise at a third of its cost (its NFKD pass dominates), and this is computed
    # for every matching row: at 100,000 experiences a common word matches 20,000.
    rank = (
        "similarity(public.unaccent('public.unaccent'::regdictionary, m.title), :text)" if has_words else "0"
    )
    flags = ",\n".join(
        f"           (cardinality(CAST(:{name} AS text[])) = 0 OR c.{name} = ANY(CAST(:{name} AS text[])))"
        f" AS {flag}"
        for name, flag in _FILTERS.items()
    )
    page_filters = " AND ".join(
        f"(cardinality(CAST(:{name} AS text[])) = 0 OR {column} = ANY(CAST(:{name} AS text[])))"
        for name, column in (
            ("category", "m.category"),
            ("experience_type", "m.experience_type"),
            ("sector", "n.sector"),
            ("naics_code", "m.naics_code"),
        )
    )
    facets = "".join(
        f",\n    {_facet(name, _LABELS[name], _FACET_SIZE[name])}" for name in _FILTERS if with_facets
    )
    sql = f"""
WITH matched AS {"MATERIALIZED" if has_words else "NOT MATERIALIZED"} (
    SELECT e.id, e.category, e.experience_type, e.naics_code, e.start_date, e.created_at, e.title
    FROM experiences AS e
    JOIN users AS u ON u.id = e.user_id AND u.is_active
    WHERE true{match}
),
cube AS MATERIALIZED (
    SELECT c.*,
{flags}
    FROM (SELECT m.category, m.experience_type, m.naics_code, n.sector, count(*) AS n
          FROM matched AS m LEFT JOIN naics_codes AS n ON n.code = m.naics_code
          GROUP BY m.category, m.experience_type, m.naics_code, n.sector) AS c
),
page AS (
    SELECT q.id, row_number() OVER (ORDER BY q.rank DESC, {_newest("q")}) AS ord
    FROM (SELECT m.id, {rank} AS rank, m.start_date, m.created_at
          FROM matched AS m LEFT JOIN naics_codes AS n ON n.code = m.naics_code
          WHERE {page_filters}
          ORDER BY rank DESC, {_newest("m")}
          LIMIT :limit OFFSET :offset) AS q
)
SELECT
    (SELECT coalesce(sum(n), 0) FROM cube WHERE {_ALL}) AS total,
    {PAGE_HITS} AS hits{facets}
"""  # noqa: S608
    return text(sql).bindparams(*(bindparam(name, type_=ARRAY(String)) for name in _FILTERS))


@dataclass(frozen=True, slots=True)
class ExperienceFilterValues:
    categories: Sequence[str] = ()
    experience_types: Sequence[str] = ()
    sectors: Sequence[str] = ()
    naics_codes: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class PgExperienceResult:
    total: int
    # The page, rows gone or of inactive owners left out (app.repositories.experience_hits).
    hits: list[ExperienceItem]
    # facet name -> [{"value", "label", "count"}]
    facets: dict[str, list[dict[str, Any]]]


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def experience_search_statement(
    prepared: PreparedQuery,
    filters: ExperienceFilterValues,
    *,
    limit: int,
    offset: int,
    with_facets: bool = True,
) -> tuple[TextClause, dict[str, Any]]:
    """The statement and its parameters (also what bench/perf EXPLAINs)."""
    words = list(prepared.words[:MAX_QUERY_WORDS])
    params: dict[str, Any] = {
        "category": list(filters.categories),
        "experience_type": list(filters.experience_types),
        "sector": list(filters.sectors),
        "naics_code": list(filters.naics_codes),
        "limit": limit,
        "offset": offset,
    }
    if words:
        params["tsquery"] = ts_prefix_query(words)
        params["text"] = prepared.text
    return _statement(bool(words), with_facets), params


async def search_experiences(
    session: AsyncSession,
    prepared: PreparedQuery,
    filters: ExperienceFilterValues,
    *,
    limit: int,
    offset: int,
    with_facets: bool = True,
) -> PgExperienceResult:
    statement, params = experience_search_statement(
        prepared, filters, limit=limit, offset=offset, with_facets=with_facets
    )
    row = (await session.execute(statement, params)).mappings().one()
    return PgExperienceResult(
        total=int(row["total"]),
        hits=decode_hits(row["hits"]),
        facets={name: _json(row[f"{name}_facet"]) for name in _FILTERS} if with_facets else {},
    )


# --- browsing (a blank query): counts from a cube cached by the caller --------------------------

# Every write that can change what experience search shows (an experience, its owner, a NAICS
# code) inserts an outbox row by trigger (migration 0001), so the outbox id sequence moves
# with each of them: the generation of the counts below.
_GENERATION = text(
    "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('search_outbox', 'id')), 0)"
)

# Counts of visible experiences by (category, experience_type, naics_code) with the sector and
# labels of each code: every browse filter is on one of those columns, so the total and every
# facet of any filter set are sums over these rows (a few thousand at most). Ordered, so
# two reads of an unchanged table compare equal.
_CUBE = text(
    """
SELECT g.category, g.experience_type, g.naics_code, n.sector,
       s.title AS sector_title, n.title AS naics_title, g.n
FROM (SELECT e.category, e.experience_type, e.naics_code, count(*) AS n
      FROM experiences AS e
      WHERE e.user_id IN (SELECT id FROM users WHERE is_active)
      GROUP BY e.category, e.experience_type, e.naics_code) AS g
LEFT JOIN naics_codes AS n ON n.code = g.naics_code
LEFT JOIN naics_codes AS s ON s.code = n.sector
ORDER BY g.category, g.experience_type, g.naics_code
"""
)

_NEWEST_E, _NEWEST_Q = _newest("e"), _newest("q")
_BROWSE_PAGE = text(
    f"""
WITH page AS (
    SELECT q.id, row_number() OVER (ORDER BY {_NEWEST_Q}) AS ord
    FROM (SELECT e.id, e.start_date, e.created_at FROM experiences AS e
          JOIN users AS u ON u.id = e.user_id AND u.is_active
          LEFT JOIN naics_codes AS n ON n.code = e.naics_code
          WHERE (cardinality(CAST(:category AS text[])) = 0 OR e.category = ANY(CAST(:category AS text[])))
            AND (cardinality(CAST(:experience_type AS text[])) = 0
                 OR e.experience_type = ANY(CAST(:experience_type AS text[])))
            AND (cardinality(CAST(:sector AS text[])) = 0 OR n.sector = ANY(CAST(:sector AS text[])))
            AND (cardinality(CAST(:naics_code AS text[])) = 0
                 OR e.naics_code = ANY(CAST(:naics_code AS text[])))
          ORDER BY {_NEWEST_E}
          LIMIT :limit OFFSET :offset) AS q
)
SELECT {PAGE_HITS}
"""  # noqa: S608
).bindparams(*(bindparam(name, type_=ARRAY(String)) for name in _FILTERS))

_LABEL_COLUMN = {"sector": "sector_title", "naics_code": "naics_title"}


@dataclass(frozen=True, slots=True)
class CubeRow:
    category: str
    experience_type: str
    naics_code: str
    sector: str | None
    sector_title: str | None
    naics_title: str | None
    n: int


async def experience_generation(session: AsyncSession) -> int:
    return int(await session.scalar(_GENERATION) or 0)


async def experience_cube(session: AsyncSession) -> tuple[CubeRow, ...]:
    return tuple(CubeRow(**row) for row in (await session.execute(_CUBE)).mappings())


def _filter_values(filters: ExperienceFilterValues) -> dict[str, Sequence[str]]:
    return {
        "category": filters.categories,
        "experience_type": filters.experience_types,
        "sector": filters.sectors,
        "naics_code": filters.naics_codes,
    }


def cube_counts(
    cube: Sequence[CubeRow], filters: ExperienceFilterValues, *, with_facets: bool = True
) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """(total, facets) of a filter set, as the search statement computes them: each facet's
    counts under every filter but its own, top values by count then value.

    One pass: a row failing no filter counts for the total and every facet, a row failing
    exactly one filter counts only for that filter's own facet, any other row for nothing.
    """
    chosen = [(name, set(values)) for name, values in _filter_values(filters).items() if values]
    total = 0
    counts: dict[str, dict[str, int]] = {name: {} for name in _FILTERS}
    labels: dict[str, dict[str, str | None]] = {name: {} for name in _LABEL_COLUMN}
    for row in cube:
        failed = [name for name, values in chosen if getattr(row, name) not in values]
        if not failed:
            total += row.n
            facet_names: Sequence[str] = tuple(_FILTERS) if with_facets else ()
        elif len(failed) == 1 and with_facets:
            facet_names = failed
        else:
            continue
        for name in facet_names:
            value = getattr(row, name)
            if value is None:
                continue
            counts[name][value] = counts[name].get(value, 0) + row.n
            if name in labels:
                labels[name][value] = getattr(row, _LABEL_COLUMN[name])
    if not with_facets:
        return total, {}
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, by_value in counts.items():
        top = sorted(by_value.items(), key=lambda item: (-item[1], item[0]))[: _FACET_SIZE[name]]
        facets[name] = [
            {"value": value, "label": labels.get(name, {}).get(value), "count": count} for value, count in top
        ]
    return total, facets


async def browse_page(
    session: AsyncSession, filters: ExperienceFilterValues, *, limit: int, offset: int
) -> list[ExperienceItem]:
    """The hits of one page of a blank query, newest first (walks ix_experiences_newest)."""
    params: dict[str, Any] = {name: list(values) for name, values in _filter_values(filters).items()}
    return decode_hits(await session.scalar(_BROWSE_PAGE, {**params, "limit": limit, "offset": offset}))
