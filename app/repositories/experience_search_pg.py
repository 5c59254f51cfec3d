"""Experience search in PostgreSQL, for when OpenSearch is gone.

Simpler relevance than the engine's: every query word must start a word of the
experience's normalised text (title, organization, tags, type-specific data,
description: levelith_experience_text() from migration 0002_search); results whose
title resembles the query most (pg_trgm similarity) come first, then the newest. The
trigram GIN index on that same expression serves the LIKE '%word%' pre-filter.

Returns ids (the caller hydrates them like engine hits), the total and the facets, whose
counts each ignore their own filter. Only experiences of active owners are visible.
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

from app.search.text import MAX_QUERY_WORDS, PreparedQuery

FACET_SIZE = 50
_DOC = "levelith_experience_text(e.title, e.description, e.organization, e.tags, e.type_specific_data)"
_FILTERS = {
    "category": "in_category",
    "experience_type": "in_experience_type",
    "sector": "in_sector",
    "naics_code": "in_naics_code",
}
_ALL = " AND ".join(_FILTERS.values())


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _facet(name: str, label: str) -> str:
    where = " AND ".join(flag for other, flag in _FILTERS.items() if other != name)
    return f"""(SELECT coalesce(json_agg(f ORDER BY f.count DESC, f.value), '[]')
     FROM (SELECT {name} AS value, {label} AS label, count(*) AS count FROM hits
           WHERE {where} AND {name} IS NOT NULL
           GROUP BY {name} ORDER BY count(*) DESC, {name} LIMIT {FACET_SIZE}) AS f) AS {name}_facet"""  # noqa: S608


@cache
def _statement(word_count: int) -> TextClause:
    """The statement for a query of word_count words (one LIKE per word, so each can use the index).

    Only the number of clauses varies; every value is a bind parameter.
    """
    word_clauses = "".join(
        f" AND {_DOC} LIKE :like{i} ESCAPE '\\' AND strpos(' ' || {_DOC}, :word{i}) > 0"
        for i in range(word_count)
    )
    flags = "\n".join(
        f"           (cardinality(CAST(:{name} AS text[])) = 0 OR {column} = ANY(CAST(:{name} AS text[])))"
        f" AS {flag},"
        for name, flag, column in (
            ("category", "in_category", "e.category"),
            ("experience_type", "in_experience_type", "e.experience_type"),
            ("sector", "in_sector", "n.sector"),
            ("naics_code", "in_naics_code", "e.naics_code"),
        )
    )
    sql = f"""
WITH hits AS MATERIALIZED (
    SELECT e.id, e.category, e.experience_type, n.sector, s.title AS sector_title,
           e.naics_code, n.title AS naics_title, e.start_date, e.created_at,
{flags}
           CASE WHEN :text = '' THEN 0 ELSE similarity(levelith_normalise(e.title), :text) END AS rank
    FROM experiences AS e
    JOIN users AS u ON u.id = e.user_id AND u.is_active
    LEFT JOIN naics_codes AS n ON n.code = e.naics_code
    LEFT JOIN naics_codes AS s ON s.code = n.sector
    WHERE true{word_clauses}
)
SELECT
    (SELECT count(*) FROM hits WHERE {_ALL}) AS total,
    (SELECT coalesce(json_agg(p.id ORDER BY p.rank DESC, p.start_date DESC NULLS LAST,
                                          p.created_at DESC NULLS LAST, p.id), '[]')
     FROM (SELECT id, rank, start_date, created_at FROM hits WHERE {_ALL}
           ORDER BY rank DESC, start_date DESC NULLS LAST, created_at DESC NULLS LAST, id
           LIMIT :limit OFFSET :offset) AS p) AS ids,
    {_facet("category", "NULL")},
    {_facet("experience_type", "NULL")},
    {_facet("sector", "max(sector_title)")},
    {_facet("naics_code", "max(naics_title)")}
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
    ids: list[str]
    # facet name -> [{"value", "label", "count"}]
    facets: dict[str, list[dict[str, Any]]]


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


async def search_experiences(
    session: AsyncSession,
    prepared: PreparedQuery,
    filters: ExperienceFilterValues,
    *,
    limit: int,
    offset: int,
) -> PgExperienceResult:
    words = list(prepared.words[:MAX_QUERY_WORDS])
    params: dict[str, Any] = {
        "text": prepared.text,
        "category": list(filters.categories),
        "experience_type": list(filters.experience_types),
        "sector": list(filters.sectors),
        "naics_code": list(filters.naics_codes),
        "limit": limit,
        "offset": offset,
    }
    for i, word in enumerate(words):
        params[f"like{i}"] = f"%{_like_escape(word)}%"
        params[f"word{i}"] = f" {word}"
    row = (await session.execute(_statement(len(words)), params)).mappings().one()
    return PgExperienceResult(
        total=int(row["total"]),
        ids=[str(i) for i in _json(row["ids"])],
        facets={name: _json(row[f"{name}_facet"]) for name in _FILTERS},
    )
