"""What a search hit shows of an experience, read from PostgreSQL's current rows.

PostgreSQL builds the hits as one JSON array in the shape of ExperienceItem, which msgspec
decodes straight into the response: no row objects, no conversion column by column. The same
SQL serves the engine's hits (by id, in the engine's order) and the PostgreSQL search, which
builds its page's hits in the statement that ranks them (app.repositories.experience_search_pg),
so a search on PostgreSQL is one statement.

A hit whose row is gone or whose owner is inactive is not returned: the caller counts it as
dropped, so a deleted or changed experience never shows stale data.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.schemas.experience_search import ExperienceItem

# asyncpg writes Python's datetime.min and datetime.max as -infinity and infinity (and reads
# them back so); the hit's day is the one they stand for, as in the engine's documents.
_DAY = (
    "CASE WHEN {0} = '-infinity' THEN DATE '0001-01-01' "
    "WHEN {0} = 'infinity' THEN DATE '9999-12-31' ELSE {0}::date END"
)
# ExperienceItem's fields, as SQL over the experience (e), its owner (u), its NAICS code (n)
# and that code's sector (s).
_FIELDS = {
    "id": "e.id",
    "title": "e.title",
    "description": "e.description",
    "organization": "e.organization",
    "location": "e.location",
    "experience_type": "e.experience_type",
    "category": "e.category",
    # Stored as midnight timestamps; an experience's dates are days (as in the experience API).
    "start_date": _DAY.format("e.start_date"),
    "end_date": _DAY.format("e.end_date"),
    "is_current": "e.is_current",
    "tags": "e.tags",
    "naics_code": "e.naics_code",
    "naics_title": "n.title",
    "sector": "n.sector",
    "sector_title": "s.title",
    "username": "u.username",
}
assert set(_FIELDS) == set(ExperienceItem.__struct_fields__), "every field of a hit has its SQL"
_HIT_OBJECT = "json_build_object(" + ", ".join(f"'{name}', {sql}" for name, sql in _FIELDS.items()) + ")"

# A scalar subquery: the hits of the experiences a relation named ``page`` lists (its ``id``
# and ``ord`` columns), in ``ord`` order, as JSON text. A statement that ranks a page builds
# its hits with it.
PAGE_HITS = f"""(SELECT coalesce(json_agg({_HIT_OBJECT} ORDER BY p.ord), '[]')::text
     FROM page AS p
     JOIN experiences AS e ON e.id = p.id
     JOIN users AS u ON u.id = e.user_id AND u.is_active
     LEFT JOIN naics_codes AS n ON n.code = e.naics_code
     LEFT JOIN naics_codes AS s ON s.code = n.sector)"""  # noqa: S608

_DECODER = msgspec.json.Decoder(list[ExperienceItem])


def decode_hits(raw: str | bytes) -> list[ExperienceItem]:
    return _DECODER.decode(raw)


_BY_IDS = text(
    f"""
WITH page AS (SELECT q.id, q.ord FROM unnest(CAST(:ids AS text[])) WITH ORDINALITY AS q(id, ord))
SELECT {PAGE_HITS}
"""  # noqa: S608
).bindparams(bindparam("ids", type_=ARRAY(String)))


async def experience_hits(session: AsyncSession, ids: Sequence[str]) -> list[ExperienceItem]:
    """The hits of these ids that still exist with an active owner, in the order given."""
    if not ids:
        return []
    return decode_hits(await session.scalar(_BY_IDS, {"ids": list(ids)}))
