"""When a search is answered by PostgreSQL instead of OpenSearch: one mechanism for every search.

A hedged request with a circuit breaker (docs/search-hedging.md), per search *kind* (e.g.
"experiences:text+facets", "naics:search"), because one engine query shape can be slow while
another is fast:

- Each back end's latency is learned as it serves, as a smoothed mean and mean deviation
  (the estimator TCP uses for its retransmission timeout, RFC 6298): ``upper = mean + 4 * dev``
  is what that back end takes "at most, usually".
- budget = clamp(min(engine.upper, postgres.mean), floor, ceiling); before the engine has
  answered once, the ceiling; before PostgreSQL's latency is known, the floor, so the first
  engine answer slower than the floor teaches it. So the engine never gets longer than its own
  usual latency, nor longer than the fallback takes on average.
- The engine is asked first. If it has not answered within the budget (or fails), the
  PostgreSQL query starts and whichever answers first wins; the other is cancelled.
- When both ran, the loser's elapsed time is recorded too (a lower bound of its latency).
- A search the engine *loses* (PostgreSQL answered first, or the engine failed), or answers
  first but after a budget PostgreSQL's latency set, counts against it; an engine answer
  within the budget resets the count. After ``losses`` in a row, or when the engine lost more
  than half of the kind's recent searches (a smoothed share), the breaker opens:
  searches of that kind go straight to PostgreSQL, and every ``probe_seconds`` one engine
  query runs in the background. A probe answering within PostgreSQL's mean latency (clamped
  like the budget) closes the breaker; each one that does not doubles the interval to the
  next (up to 24 times the setting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from opensearchpy import AsyncOpenSearch, NotFoundError, TransportError
from opensearchpy import ConnectionError as EngineConnectionError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.schemas.admin_search import KindStatus

log = logging.getLogger(__name__)

ENGINE_OPENSEARCH = "opensearch"
ENGINE_POSTGRES = "postgres"

# 429: the engine sheds load; PostgreSQL can still answer.
_TOO_MANY_REQUESTS = 429
# Up to 2 minutes at the default probe interval: each failed probe of a slow engine costs it
# seconds of CPU it finishes whether or not we still wait (osmem at 100,000 experiences: 1 to
# 4 s per set of facet counts), so a short cap spent a third of a 2-core machine on probes.
_MAX_PROBE_BACKOFF = 24
# RFC 6298's gains and deviation multiplier.
_MEAN_GAIN = 1 / 8
_DEVIATION_GAIN = 1 / 4
_DEVIATIONS = 4
# The share of recent searches the engine lost (an average over about the last 8, with the
# mean's gain) above which the breaker opens even without `losses` in a row: an engine losing
# most searches of a kind, but not three in a row, makes most of them wait for the budget and
# then for PostgreSQL, the slowest way to answer.
LOSS_SHARE = 0.5

T = TypeVar("T")


def engine_unavailable(exc: BaseException) -> bool:
    """True for faults of the engine rather than of our request.

    Unreachable, timed out (ConnectionTimeout is a ConnectionError), overloaded or
    failing (5xx), or the index is missing (an empty engine after a restart, before the
    indexer has rebuilt it). A 400 means our query is wrong: that must surface, not hide.
    """
    if isinstance(exc, EngineConnectionError | NotFoundError | asyncio.TimeoutError):
        return True
    if isinstance(exc, TransportError):
        status = exc.status_code
        return isinstance(status, int) and (status >= 500 or status == _TOO_MANY_REQUESTS)
    return False


@dataclass
class Latency:
    """Smoothed latency of one back end for one kind of search, in seconds."""

    mean: float | None = None
    deviation: float = 0.0
    samples: int = 0

    def observe(self, seconds: float) -> None:
        self.samples += 1
        if self.mean is None:
            self.mean, self.deviation = seconds, seconds / 2
            return
        self.deviation += _DEVIATION_GAIN * (abs(seconds - self.mean) - self.deviation)
        self.mean += _MEAN_GAIN * (seconds - self.mean)

    @property
    def upper(self) -> float | None:
        return None if self.mean is None else self.mean + _DEVIATIONS * self.deviation


@dataclass
class KindState:
    engine: Latency = field(default_factory=Latency)
    postgres: Latency = field(default_factory=Latency)
    losses: int = 0  # searches in a row the engine lost
    loss_share: float = 0.0  # smoothed share of searches the engine lost
    open: bool = False
    last_probe: float = float("-inf")
    probing: bool = False
    # Doubles after each failed probe (up to _MAX_PROBE_BACKOFF times the setting): a probe the
    # client gives up on keeps the engine busy to the end, which an overloaded engine can't spare.
    probe_backoff: int = 1
    # Answers so far by back end (ENGINE_OPENSEARCH / ENGINE_POSTGRES), for the admin view.
    answered: dict[str, int] = field(default_factory=dict)

    def count(self, engine: str) -> None:
        self.answered[engine] = self.answered.get(engine, 0) + 1


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    engine: str  # which back end answered: ENGINE_OPENSEARCH or ENGINE_POSTGRES


class SearchHedge:
    """The hedging policy and its learned state, one per API process (``app.state.hedge``)."""

    def __init__(
        self,
        *,
        floor: float,
        ceiling: float,
        losses: int,
        probe_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.floor = floor
        self.ceiling = max(ceiling, floor)
        self.losses = max(losses, 1)
        self.probe_seconds = probe_seconds
        self.clock = clock
        self.kinds: dict[str, KindState] = {}
        self._probes: set[asyncio.Task[None]] = set()

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchHedge:
        return cls(
            floor=settings.search_hedge_floor_ms / 1000,
            ceiling=settings.search_hedge_ceiling_ms / 1000,
            losses=settings.search_breaker_losses,
            probe_seconds=settings.search_breaker_probe_seconds,
        )

    def state(self, kind: str) -> KindState:
        return self.kinds.setdefault(kind, KindState())

    def budget(self, kind: str) -> float:
        """Seconds the engine gets before PostgreSQL is asked too (formula in the module doc)."""
        state = self.state(kind)
        # PostgreSQL's mean, not its upper bound: its estimate only moves when it runs, so an
        # upper bound inflated by a slow start (cold connections and caches) let an engine three
        # times slower than PostgreSQL answer "within budget" forever, and PostgreSQL was never
        # asked again to correct it.
        engine, postgres = state.engine.upper, state.postgres.mean
        if engine is None:
            return self.ceiling
        return self._clamp(self.floor if postgres is None else min(engine, postgres))

    def _clamp(self, seconds: float) -> float:
        return min(max(seconds, self.floor), self.ceiling)

    async def run(
        self,
        kind: str,
        engine: Callable[[], Awaitable[T]],
        fallback: Callable[[], Awaitable[T]],
    ) -> Answer[T]:
        """Answer from whichever back end is first; ``engine`` must not use a database session
        (it may be cancelled, or run again as a background probe)."""
        state = self.state(kind)
        if state.open:
            self._maybe_probe(kind, engine)
            value = await self._timed(state.postgres, fallback)
            state.count(ENGINE_POSTGRES)
            return Answer(value, ENGINE_POSTGRES)
        budget = self.budget(kind)
        # Only a budget PostgreSQL's own latency set can be missed: before it is known, the
        # hedge asks it to learn it, not because the engine was slow.
        judged = state.postgres.mean is not None
        started = self.clock()
        engine_task: asyncio.Task[T] = asyncio.ensure_future(engine())
        fallback_task: asyncio.Task[T] | None = None
        try:
            await asyncio.wait({engine_task}, timeout=budget)
            if engine_task.done() and _succeeded(engine_task, kind):
                return self._engine_won(kind, state, engine_task, started, budget=None)
            fallback_started = self.clock()
            fallback_task = asyncio.ensure_future(fallback())
            pending: set[asyncio.Task[T]] = {fallback_task}
            if not engine_task.done():
                pending.add(engine_task)
            while True:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if engine_task in done and _succeeded(engine_task, kind):
                    # A lower bound of PostgreSQL's latency: it had not answered by now. Without
                    # it, PostgreSQL's estimate would only ever hear of the searches it won.
                    state.postgres.observe(self.clock() - fallback_started)
                    return self._engine_won(kind, state, engine_task, started, budget if judged else None)
                if fallback_task in done and (fallback_task.exception() is None or not pending):
                    value = fallback_task.result()  # raises PostgreSQL's error when both failed
                    state.postgres.observe(self.clock() - fallback_started)
                    # A lower bound of the engine's latency: it had not answered by now.
                    state.engine.observe(self.clock() - started)
                    self._engine_lost(kind, state)
                    state.count(ENGINE_POSTGRES)
                    return Answer(value, ENGINE_POSTGRES)
        finally:
            for task in (engine_task, fallback_task):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

    def _engine_won(
        self, kind: str, state: KindState, task: asyncio.Task[T], started: float, budget: float | None
    ) -> Answer[T]:
        """budget: the one the engine was judged by (None: it answered in time, or PostgreSQL's
        latency was not known yet)."""
        took = self.clock() - started
        state.engine.observe(took)
        if budget is not None and took > budget:
            # First but late: PostgreSQL was asked too and happened to be slower this time. Both
            # back ends did the work, and the engine missed what PostgreSQL takes on average: it
            # counts against the engine, or a kind the engine answers late but first would never
            # open the breaker, and every search of it would cost both back ends.
            self._engine_lost(kind, state)
        else:
            state.losses = 0
            state.loss_share -= _MEAN_GAIN * state.loss_share
        state.count(ENGINE_OPENSEARCH)
        return Answer(task.result(), ENGINE_OPENSEARCH)

    def _engine_lost(self, kind: str, state: KindState) -> None:
        state.losses += 1
        state.loss_share += _MEAN_GAIN * (1 - state.loss_share)
        if (state.losses >= self.losses or state.loss_share > LOSS_SHARE) and not state.open:
            state.open = True
            state.last_probe = self.clock()
            log.warning(
                "search %s: the engine lost %d searches in a row, %.0f%% of recent ones; PostgreSQL "
                "answers until a probe answers within %.0f ms",
                kind,
                state.losses,
                state.loss_share * 100,
                self.recovery_bar(kind) * 1000,
            )

    async def _timed(self, latency: Latency, call: Callable[[], Awaitable[T]]) -> T:
        started = self.clock()
        value = await call()
        latency.observe(self.clock() - started)
        return value

    def _maybe_probe(self, kind: str, engine: Callable[[], Awaitable[object]]) -> None:
        state = self.state(kind)
        if state.probing or self.clock() - state.last_probe < self.probe_seconds * state.probe_backoff:
            return
        state.probing, state.last_probe = True, self.clock()
        task = asyncio.ensure_future(self._probe(kind, engine))
        self._probes.add(task)
        task.add_done_callback(self._probes.discard)

    def recovery_bar(self, kind: str) -> float:
        """What a probe must answer within to close the breaker: what PostgreSQL takes on
        average, within floor and ceiling (before PostgreSQL is known, the budget). Not the
        budget, which may be the engine's own usual time: a probe runs on an engine relieved of
        the kind's traffic, so it answers faster than the engine will once that traffic is
        back, and a bar it clears only while relieved would close and reopen the breaker over
        and over."""
        postgres = self.state(kind).postgres.mean
        return self.budget(kind) if postgres is None else self._clamp(postgres)

    async def _probe(self, kind: str, engine: Callable[[], Awaitable[object]]) -> None:
        state = self.state(kind)
        bar = self.recovery_bar(kind)
        started = self.clock()
        try:
            await asyncio.wait_for(engine(), timeout=self.ceiling)
        except Exception as exc:
            state.engine.observe(self.clock() - started)
            state.probe_backoff = min(state.probe_backoff * 2, _MAX_PROBE_BACKOFF)
            log.info("search %s: engine probe failed (%s); breaker stays open", kind, type(exc).__name__)
            return
        finally:
            state.probing = False
        took = self.clock() - started
        state.engine.observe(took)
        if took <= bar:
            state.open, state.losses, state.loss_share, state.probe_backoff = False, 0, 0.0, 1
            log.warning("search %s: engine probe answered in %.0f ms; breaker closed", kind, took * 1000)
        else:
            state.probe_backoff = min(state.probe_backoff * 2, _MAX_PROBE_BACKOFF)

    def status(self) -> list[KindStatus]:
        """What this process has learned, per kind of search."""
        return [
            KindStatus(
                kind=kind,
                breaker_open=state.open,
                losses_in_a_row=state.losses,
                loss_share=round(state.loss_share, 3),
                budget_ms=round(self.budget(kind) * 1000, 1),
                engine_mean_ms=_ms(state.engine.mean),
                postgres_mean_ms=_ms(state.postgres.mean),
                answered=dict(state.answered),
            )
            for kind, state in sorted(self.kinds.items())
        ]

    async def close(self) -> None:
        """Stop background probes (on shutdown)."""
        for task in list(self._probes):
            task.cancel()
        await asyncio.gather(*self._probes, return_exceptions=True)


def _succeeded(task: asyncio.Task[T], kind: str) -> bool:
    """True when the engine answered; False when it is unavailable; re-raises our own errors."""
    exc = task.exception()
    if exc is None:
        return True
    if not engine_unavailable(exc):
        raise exc
    log.warning("search %s answered by PostgreSQL: search engine unavailable (%s)", kind, exc)
    return False


@dataclass(frozen=True, slots=True)
class SearchBackends:
    """What every search runs on: the engine, PostgreSQL for the fallback, and the hedge
    choosing between them (one of each per API process)."""

    client: AsyncOpenSearch
    sessions: async_sessionmaker[AsyncSession]
    hedge: SearchHedge
    index_prefix: str = ""


# A search only reads: its session runs in autocommit, so no BEGIN and ROLLBACK travel around
# each search. Each statement reads its own snapshot, which a search tolerates: a browse's
# counts and page may be moments apart, as they are when the counts come from the cache.
_READ_ONLY = {"isolation_level": "AUTOCOMMIT"}


@contextlib.asynccontextmanager
async def search_session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A read-only session of a search's own (the fallback's, or the hydration of engine hits),
    safe to cancel mid-query.

    A cancelled hedge may leave its connection inside a running statement; that connection is
    invalidated (closed, the server-side statement ends with it) rather than returned to the
    pool, where the next request would find it busy.
    """
    async with sessions() as session:
        try:
            await session.connection(execution_options=_READ_ONLY)
            yield session
        except asyncio.CancelledError:
            await asyncio.shield(session.invalidate())
            raise
