"""Search insights: which NAICS queries are asked most, find nothing, or are abandoned, per day.

Recording happens in memory on the request path (a few dictionary operations) and reaches
PostgreSQL in batches from a background task every SEARCH_INSIGHTS_FLUSH_SECONDS; only the
normalised query text and counts are kept, never who asked or from where.

What counts (docs/search-insights.md):
- a *query* is a full search (GET /api/v1/naics/search with a non-blank q), or an autocomplete
  text the user settled on: typing stopped there, i.e. no longer as-typed text extending it
  arrived within ABANDON_AFTER_SECONDS in this process;
- a *zero-result* query found nothing;
- an *abandoned* query is a settled autocomplete text that was neither searched nor followed
  by opening one of the codes it suggested (GET /api/v1/naics/{code}) within that window.
Without any identity, typing sequences are told apart by text alone: concurrent users typing
alike can hide an abandon, never invent one, so abandons are a lower bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models.search_insight import INSIGHT_QUERY_LENGTH
from app.repositories.search_insights import (
    RANKINGS,
    Counts,
    add_counts,
    daily_totals,
    delete_before,
    top_queries,
    top_queries_per_day,
)
from app.schemas.admin_search import DayInsights, QueryCount, SearchInsights
from app.search.text import normalise_text

log = logging.getLogger(__name__)

ABANDON_AFTER_SECONDS = 10.0
# Autocomplete texts shorter than this are keystrokes on the way, not queries.
MIN_SETTLED_LENGTH = 3
# Memory bounds between flushes, whatever the traffic (bots included).
MAX_PENDING_TEXTS = 10_000
MAX_COUNTED_QUERIES = 20_000
# A report reaches back at most this far and lists at most this many queries per list.
MAX_INSIGHT_DAYS = 366
MAX_INSIGHT_ITEMS = 100


def utc_today() -> date:
    return datetime.now(UTC).date()


def insight_text(q: str | None) -> str:
    return normalise_text(q)[:INSIGHT_QUERY_LENGTH].strip()


@dataclass(slots=True)
class _Typing:
    day: date
    typed_at: float
    codes: tuple[str, ...]
    empty: bool


class InsightsRecorder:
    """One per API process; every method is synchronous and cheap (called per request)."""

    def __init__(
        self,
        *,
        abandon_after: float = ABANDON_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self.abandon_after = abandon_after
        self.clock = clock
        self.today = today
        self._counts: dict[tuple[date, str], Counts] = {}
        self._typing: dict[str, _Typing] = {}
        self._opened: dict[str, float] = {}  # code -> when it was last opened

    def _count(self, day: date, text: str) -> Counts | None:
        counts = self._counts.get((day, text))
        if counts is None:
            if len(self._counts) >= MAX_COUNTED_QUERIES:
                return None
            counts = self._counts[(day, text)] = Counts()
        return counts

    def searched(self, q: str | None, total: int) -> None:
        text = insight_text(q)
        if not text:
            return
        self._typing.pop(text, None)  # typed, then submitted: one query, counted here
        counts = self._count(self.today(), text)
        if counts is not None:
            counts.searches += 1
            counts.zero_results += total == 0

    def typed(self, q: str | None, codes: Sequence[str]) -> None:
        text = insight_text(q)
        if len(text) < MIN_SETTLED_LENGTH:
            return
        typing = self._typing
        # The user kept typing: the shorter texts were steps on the way, not queries.
        for end in range(MIN_SETTLED_LENGTH, len(text)):
            typing.pop(text[:end], None)
        if text in typing or len(typing) < MAX_PENDING_TEXTS:
            typing[text] = _Typing(self.today(), self.clock(), tuple(codes), not codes)

    def opened(self, code: str) -> None:
        self._opened[code] = self.clock()

    def settle(self, *, everything: bool = False) -> None:
        """Count the autocomplete texts whose window has passed (all of them with `everything`)."""
        now = self.clock()
        horizon = now - self.abandon_after
        for text, typing in list(self._typing.items()):
            if typing.typed_at > horizon and not everything:
                continue
            del self._typing[text]
            counts = self._count(typing.day, text)
            if counts is None:
                continue
            counts.searches += 1
            counts.zero_results += typing.empty
            followed = any(self._opened.get(code, -1.0) >= typing.typed_at for code in typing.codes)
            counts.abandoned += not followed
        oldest_typing = min((t.typed_at for t in self._typing.values()), default=now)
        self._opened = {code: at for code, at in self._opened.items() if at >= oldest_typing}

    def take(self, *, everything: bool = False) -> dict[date, dict[str, Counts]]:
        """Settle, then hand over (and forget) the counts, grouped by day."""
        self.settle(everything=everything)
        taken, self._counts = self._counts, {}
        by_day: dict[date, dict[str, Counts]] = {}
        for (day, text), counts in taken.items():
            by_day.setdefault(day, {})[text] = counts
        return by_day


@dataclass(frozen=True)
class InsightsPolicy:
    flush_seconds: float
    retention_days: int
    max_queries_per_day: int


async def flush(
    recorder: InsightsRecorder,
    sessions: async_sessionmaker[AsyncSession],
    policy: InsightsPolicy,
    *,
    everything: bool = False,
) -> None:
    """Write what the recorder counted and delete days past the retention, in one transaction."""
    taken = recorder.take(everything=everything)
    async with sessions() as session, session.begin():
        dropped = 0
        for day, counts in sorted(taken.items()):
            dropped += await add_counts(session, day, counts, policy.max_queries_per_day)
        await delete_before(session, recorder.today() - timedelta(days=policy.retention_days - 1))
    if dropped:
        log.info("search insights: %d new queries dropped, their day is full", dropped)


def insights_flusher(policy: InsightsPolicy) -> Any:
    """A background task for create_app(background=...): flush the app's recorder periodically."""

    @contextlib.asynccontextmanager
    async def background(app: Any) -> AsyncIterator[None]:
        recorder: InsightsRecorder = app.state.insights
        sessions: async_sessionmaker[AsyncSession] = app.state.sessions

        async def loop() -> None:
            while True:
                await asyncio.sleep(policy.flush_seconds)
                try:
                    await flush(recorder, sessions, policy)
                except Exception as exc:  # insights are best effort: never take the API down
                    log.warning("search insights not written (those counts are lost): %s", exc)

        task = asyncio.create_task(loop(), name="levelith-insights")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(Exception):
                await flush(recorder, sessions, policy, everything=True)

    return background


def _items(pairs: Sequence[tuple[str, int]]) -> list[QueryCount]:
    return [QueryCount(query, count) for query, count in pairs]


async def search_insights(session: AsyncSession, *, days: int, limit: int, today: date) -> SearchInsights:
    """The last `days` days, today included (UTC): overall and per day, most frequent first."""
    since = today - timedelta(days=days - 1)
    overall = {r: await top_queries(session, since, r, limit) for r in RANKINGS}
    per_day = {r: await top_queries_per_day(session, since, r, limit) for r in overall}
    totals = await daily_totals(session, since)
    return SearchInsights(
        days=days,
        since=since,
        until=today,
        top_queries=_items(overall["searches"]),
        top_zero_result_queries=_items(overall["zero_results"]),
        top_abandoned_queries=_items(overall["abandoned"]),
        per_day=[
            DayInsights(
                day=day,
                queries=counts.searches,
                zero_result_queries=counts.zero_results,
                abandoned_queries=counts.abandoned,
                top_queries=_items(per_day["searches"].get(day, [])),
                top_zero_result_queries=_items(per_day["zero_results"].get(day, [])),
                top_abandoned_queries=_items(per_day["abandoned"].get(day, [])),
            )
            for day, counts in sorted(totals.items(), reverse=True)
        ],
    )
