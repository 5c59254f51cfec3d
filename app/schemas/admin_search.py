"""Response shapes of /api/v1/admin/search: index status, hedging state and search insights
(also printed by `levelith indexer status` and `levelith search insights`)."""

from __future__ import annotations

from datetime import date

import msgspec


class IndexStatus(msgspec.Struct):
    kind: str
    alias: str
    index: str | None  # the physical index behind the alias; None if the engine lacks it
    documents_postgres: int
    documents_index: int | None  # None when the index or the engine is missing
    pending_outbox_rows: int
    oldest_pending_seconds: float | None
    rebuilding: bool  # a reindex is filling a new index next to this one


class SearchStatus(msgspec.Struct):
    engine_reachable: bool
    # Nothing pending and every index holds as many documents as PostgreSQL says it should.
    in_sync: bool
    indexes: list[IndexStatus]


class KindStatus(msgspec.Struct, frozen=True):
    """What one API process has learned about one kind of search (services.search_fallback)."""

    kind: str
    breaker_open: bool
    losses_in_a_row: int
    loss_share: float  # smoothed share of recent searches the engine lost (search_fallback.LOSS_SHARE)
    budget_ms: float
    engine_mean_ms: float | None
    postgres_mean_ms: float | None
    answered: dict[str, int]


class QueryCount(msgspec.Struct, frozen=True):
    query: str
    count: int


class DayInsights(msgspec.Struct, frozen=True):
    day: date
    queries: int
    zero_result_queries: int
    abandoned_queries: int
    top_queries: list[QueryCount]
    top_zero_result_queries: list[QueryCount]
    top_abandoned_queries: list[QueryCount]


class SearchInsights(msgspec.Struct, frozen=True):
    days: int
    since: date
    until: date
    top_queries: list[QueryCount]
    top_zero_result_queries: list[QueryCount]
    top_abandoned_queries: list[QueryCount]
    per_day: list[DayInsights]
