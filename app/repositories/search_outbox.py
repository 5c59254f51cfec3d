"""Queries on search_outbox: claim a batch, forget it, measure what is pending.

Rows are written by database triggers (migration 0001); only the indexer reads and deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import SearchOutbox

# Which index an outbox entity feeds: a 'user' row stands for that user's experience documents.
KIND_OF_ENTITY = {"naics": "naics", "experience": "experiences", "user": "experiences"}


class OutboxRow(msgspec.Struct, frozen=True):
    id: int
    entity: str
    entity_id: str
    version: int


class Pending(msgspec.Struct, frozen=True):
    rows: int
    oldest_age_seconds: float | None


async def claim_batch(session: AsyncSession, limit: int) -> list[OutboxRow]:
    """Lock up to `limit` of the oldest rows for this transaction.

    SKIP LOCKED lets several indexers claim disjoint batches instead of queueing behind each
    other; the locks hold until the caller commits (rows deleted) or rolls back (rows stay).
    """
    query = (
        select(SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id, SearchOutbox.version)
        .order_by(SearchOutbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(query)
    return [OutboxRow(*row) for row in result.all()]


async def delete_rows(session: AsyncSession, ids: Sequence[int]) -> None:
    if ids:
        await session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(list(ids))))


async def pending_by_kind(session: AsyncSession) -> dict[str, Pending]:
    """Rows waiting per index kind, and how long the oldest has waited."""
    kind = case((SearchOutbox.entity == "naics", "naics"), else_="experiences").label("kind")
    now = func.timezone("utc", func.clock_timestamp())
    age = func.extract("epoch", now - func.min(SearchOutbox.created_at))
    result = await session.execute(select(kind, func.count(), age).group_by(kind))
    found = {row[0]: Pending(int(row[1]), max(0.0, float(row[2]))) for row in result.all()}
    return {k: found.get(k, Pending(0, None)) for k in ("naics", "experiences")}
