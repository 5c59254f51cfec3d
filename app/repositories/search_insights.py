"""Queries on search_insights_daily: add a batch of counts, forget old days, read the top queries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import SearchInsightDay

# What a report can rank by: the column of each list.
RANKINGS = {
    "searches": SearchInsightDay.searches,
    "zero_results": SearchInsightDay.zero_results,
    "abandoned": SearchInsightDay.abandoned,
}


class Counts(msgspec.Struct):
    searches: int = 0
    zero_results: int = 0
    abandoned: int = 0


async def add_counts(
    session: AsyncSession, day: date, counts: Mapping[str, Counts], max_queries_per_day: int
) -> int:
    """Add to the day's rows; a query new to a full day is dropped. Returns how many were dropped."""
    if not counts:
        return 0
    table = SearchInsightDay
    known = set(
        (await session.execute(select(table.query).where(table.day == day, table.query.in_(list(counts)))))
        .scalars()
        .all()
    )
    held = (await session.execute(select(func.count()).where(table.day == day))).scalar_one()
    room = max(0, max_queries_per_day - held)
    # The most asked new queries get the room that is left.
    new = sorted((q for q in counts if q not in known), key=lambda q: -counts[q].searches)
    admitted = known | set(new[:room])
    rows = [{"day": day, "query": q, **msgspec.structs.asdict(counts[q])} for q in sorted(admitted)]
    if rows:
        statement = insert(table).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=[table.day, table.query],
            set_={
                "searches": table.searches + statement.excluded.searches,
                "zero_results": table.zero_results + statement.excluded.zero_results,
                "abandoned": table.abandoned + statement.excluded.abandoned,
            },
        )
        await session.execute(statement)
    return len(counts) - len(admitted)


async def delete_before(session: AsyncSession, day: date) -> int:
    result = await session.execute(delete(SearchInsightDay).where(SearchInsightDay.day < day))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def top_queries(session: AsyncSession, since: date, ranking: str, limit: int) -> list[tuple[str, int]]:
    """The queries with the highest total of `ranking` since `since` (inclusive)."""
    column = RANKINGS[ranking]
    total = func.sum(column).label("total")
    query = (
        select(SearchInsightDay.query, total)
        .where(SearchInsightDay.day >= since, column > 0)
        .group_by(SearchInsightDay.query)
        .order_by(total.desc(), SearchInsightDay.query)
        .limit(limit)
    )
    return [(row[0], int(row[1])) for row in (await session.execute(query)).all()]


async def top_queries_per_day(
    session: AsyncSession, since: date, ranking: str, limit: int
) -> dict[date, list[tuple[str, int]]]:
    column = RANKINGS[ranking]
    rank = (
        func.row_number()
        .over(partition_by=SearchInsightDay.day, order_by=(column.desc(), SearchInsightDay.query))
        .label("rank")
    )
    ranked = (
        select(SearchInsightDay.day, SearchInsightDay.query, column.label("count"), rank)
        .where(SearchInsightDay.day >= since, column > 0)
        .subquery()
    )
    query = select(ranked.c.day, ranked.c.query, ranked.c.count).where(ranked.c.rank <= limit)
    query = query.order_by(ranked.c.day.desc(), ranked.c.rank)
    found: dict[date, list[tuple[str, int]]] = {}
    for day, text, count in (await session.execute(query)).all():
        found.setdefault(day, []).append((text, int(count)))
    return found


async def daily_totals(session: AsyncSession, since: date) -> dict[date, Counts]:
    query = (
        select(
            SearchInsightDay.day,
            func.sum(SearchInsightDay.searches),
            func.sum(SearchInsightDay.zero_results),
            func.sum(SearchInsightDay.abandoned),
        )
        .where(SearchInsightDay.day >= since)
        .group_by(SearchInsightDay.day)
    )
    return {
        row[0]: Counts(int(row[1]), int(row[2]), int(row[3])) for row in (await session.execute(query)).all()
    }
