"""The hedged search and its circuit breaker, with fake back ends.

Latency is injected by making a fake wait on an event (or forever); time only advances for
the breaker when the test moves its clock. No assertion is about how long anything took.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from opensearchpy import ConnectionError as EngineConnectionError
from opensearchpy import RequestError

from app.services.search_fallback import ENGINE_OPENSEARCH, ENGINE_POSTGRES, Latency, SearchHedge

KIND = "experiences:text"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Backend:
    """A fake back end: answers its name, or waits for `release`, or raises `error`."""

    name: str
    hang: bool = False
    error: Exception | None = None
    calls: int = 0
    cancelled: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self) -> Awaitable[str]:
        return self._answer()

    async def _answer(self) -> str:
        self.calls += 1
        self.started.set()
        try:
            if self.hang:
                await self.release.wait()
            if self.error is not None:
                raise self.error
            return self.name
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


def hedge(
    clock: Callable[[], float] | None = None, *, floor: float = 0.01, ceiling: float = 0.05, losses: int = 2
) -> SearchHedge:
    return SearchHedge(floor=floor, ceiling=ceiling, losses=losses, probe_seconds=5.0, clock=clock or Clock())


async def test_the_engine_is_asked_first_and_postgres_never_when_it_answers() -> None:
    engine, postgres = Backend("engine"), Backend("postgres")
    answer = await hedge().run(KIND, engine, postgres)
    assert (answer.value, answer.engine) == ("engine", ENGINE_OPENSEARCH)
    assert postgres.calls == 0


async def test_a_late_engine_is_hedged_and_cancelled_when_postgres_answers_first() -> None:
    engine, postgres = Backend("engine", hang=True), Backend("postgres")
    answer = await hedge().run(KIND, engine, postgres)
    assert (answer.value, answer.engine) == ("postgres", ENGINE_POSTGRES)
    assert engine.cancelled == 1


async def test_postgres_starts_only_after_the_budget() -> None:
    # A generous budget: the engine, late by a few event-loop turns, still answers alone.
    engine, postgres = Backend("engine", hang=True), Backend("postgres")
    patient = hedge(floor=30, ceiling=30)
    run = asyncio.ensure_future(patient.run(KIND, engine, postgres))
    await engine.started.wait()
    for _ in range(5):
        await asyncio.sleep(0)
    assert postgres.calls == 0
    engine.release.set()
    answer = await run
    assert answer.engine == ENGINE_OPENSEARCH
    assert postgres.calls == 0


async def test_an_engine_answering_after_the_budget_but_first_wins_and_postgres_is_cancelled() -> None:
    engine, postgres = Backend("engine", hang=True), Backend("postgres", hang=True)
    run = asyncio.ensure_future(hedge().run(KIND, engine, postgres))
    await postgres.started.wait()  # the budget passed: both are running
    engine.release.set()
    answer = await run
    assert answer.engine == ENGINE_OPENSEARCH
    assert postgres.cancelled == 1


async def test_a_failing_engine_is_answered_by_postgres_without_waiting_for_the_budget() -> None:
    engine = Backend("engine", error=EngineConnectionError("N/A", "refused", None))
    postgres = Backend("postgres")
    answer = await hedge(floor=30, ceiling=30).run(KIND, engine, postgres)
    assert answer.engine == ENGINE_POSTGRES


async def test_a_bad_query_is_an_error_not_a_fallback() -> None:
    engine = Backend("engine", error=RequestError(400, "parsing_exception", {}))
    postgres = Backend("postgres")
    with pytest.raises(RequestError):
        await hedge().run(KIND, engine, postgres)
    assert postgres.calls == 0


async def test_when_both_fail_postgres_error_surfaces() -> None:
    engine = Backend("engine", error=EngineConnectionError("N/A", "refused", None))
    postgres = Backend("postgres", error=RuntimeError("database down"))
    with pytest.raises(RuntimeError, match="database down"):
        await hedge().run(KIND, engine, postgres)


def test_budget_follows_the_learned_latency_within_floor_and_ceiling() -> None:
    h = hedge(floor=0.05, ceiling=1.0)
    assert h.budget(KIND) == 1.0  # nothing learned yet: the ceiling
    state = h.state(KIND)
    for _ in range(50):
        state.engine.observe(0.2)
    # PostgreSQL not known yet: the floor, so the first engine answer slower than it teaches it.
    assert h.budget(KIND) == 0.05
    for _ in range(50):
        state.postgres.observe(0.5)
    assert h.budget(KIND) == pytest.approx(0.2, abs=0.01)  # steady: the engine's mean, no deviation
    for _ in range(50):
        state.postgres.observe(0.1)
    assert h.budget(KIND) == pytest.approx(0.1, abs=0.01)  # never longer than the fallback takes
    for _ in range(50):
        state.postgres.observe(0.001)
    assert h.budget(KIND) == 0.05  # the floor
    for _ in range(50):
        state.engine.observe(5.0)
        state.postgres.observe(5.0)
    assert h.budget(KIND) == 1.0  # the ceiling


def test_a_slow_first_postgres_answer_does_not_keep_a_slower_engine_within_budget() -> None:
    h = hedge(floor=0.01, ceiling=5.0)
    state = h.state(KIND)
    state.postgres.observe(0.3)  # a cold start: one answer, so a wide deviation (upper 0.9 s)
    for _ in range(50):
        state.engine.observe(0.5)
    # PostgreSQL answers in 0.3 s on average: an engine taking 0.5 s must not get longer, or
    # PostgreSQL would never run again and its estimate never come down.
    assert h.budget(KIND) == pytest.approx(0.3)


def test_latency_upper_bound_grows_with_jitter() -> None:
    steady, jittery = Latency(), Latency()
    for i in range(40):
        steady.observe(0.1)
        jittery.observe(0.05 if i % 2 else 0.15)
    assert steady.upper is not None and jittery.upper is not None
    assert jittery.upper > steady.upper


def test_kinds_learn_separately() -> None:
    h = hedge(floor=0.01, ceiling=1.0)
    h.state("experiences:blank").engine.observe(0.5)
    assert h.budget("experiences:text") == 1.0


async def test_breaker_opens_after_losses_in_a_row_then_postgres_answers_alone() -> None:
    h = hedge(losses=2)
    engine, postgres = Backend("engine", hang=True), Backend("postgres")
    for _ in range(2):
        assert (await h.run(KIND, engine, postgres)).engine == ENGINE_POSTGRES
    assert h.state(KIND).open
    engine_calls = engine.calls
    assert (await h.run(KIND, engine, postgres)).engine == ENGINE_POSTGRES
    assert engine.calls == engine_calls  # no engine query in line, no probe before probe_seconds
    assert h.state("naics:search").open is False  # other kinds are not affected


async def test_an_engine_win_resets_the_count() -> None:
    h = hedge(losses=2)
    slow, fast, postgres = Backend("engine", hang=True), Backend("engine"), Backend("postgres")
    await h.run(KIND, slow, postgres)
    await h.run(KIND, fast, postgres)
    await h.run(KIND, slow, postgres)
    assert not h.state(KIND).open


async def _open_breaker(h: SearchHedge) -> None:
    late, postgres = Backend("engine", hang=True), Backend("postgres")
    while not h.state(KIND).open:
        await h.run(KIND, late, postgres)


async def test_breaker_probes_in_the_background_and_closes_when_the_engine_is_back() -> None:
    clock = Clock()
    h = hedge(clock, losses=2)
    await _open_breaker(h)
    clock.now += 10  # past probe_seconds
    recovered, postgres = Backend("engine"), Backend("postgres")
    # The search that triggers the probe is still answered by PostgreSQL, without waiting.
    assert (await h.run(KIND, recovered, postgres)).engine == ENGINE_POSTGRES
    await asyncio.gather(*h._probes)
    assert recovered.calls == 1
    assert not h.state(KIND).open
    assert (await h.run(KIND, recovered, postgres)).engine == ENGINE_OPENSEARCH


async def test_a_failed_probe_keeps_the_breaker_open_and_waits_for_the_next_interval() -> None:
    clock = Clock()
    h = hedge(clock, losses=2)
    await _open_breaker(h)
    clock.now += 10
    down = Backend("engine", error=EngineConnectionError("N/A", "refused", None))
    postgres = Backend("postgres")
    await h.run(KIND, down, postgres)
    await asyncio.gather(*h._probes)
    assert h.state(KIND).open
    await h.run(KIND, down, postgres)  # same interval: no second probe
    await asyncio.gather(*h._probes)
    assert down.calls == 1


async def test_a_probe_slower_than_the_budget_keeps_the_breaker_open() -> None:
    clock = Clock()
    h = hedge(clock, floor=0.01, ceiling=0.02, losses=2)
    await _open_breaker(h)
    clock.now += 10
    late, postgres = Backend("engine", hang=True), Backend("postgres")
    await h.run(KIND, late, postgres)
    await asyncio.gather(*h._probes)  # the probe gives up at the ceiling
    assert late.cancelled == 1
    assert h.state(KIND).open


async def test_failed_probes_back_off() -> None:
    clock = Clock()
    h = hedge(clock, losses=2)
    await _open_breaker(h)
    down = Backend("engine", error=EngineConnectionError("N/A", "refused", None))
    postgres = Backend("postgres")
    clock.now += 5
    await h.run(KIND, down, postgres)
    await asyncio.gather(*h._probes)
    assert down.calls == 1
    clock.now += 5  # one interval later: the failed probe doubled it
    await h.run(KIND, down, postgres)
    await asyncio.gather(*h._probes)
    assert down.calls == 1
    clock.now += 5
    await h.run(KIND, down, postgres)
    await asyncio.gather(*h._probes)
    assert down.calls == 2


async def test_probes_of_an_engine_that_stays_down_back_off_to_two_minutes_and_no_further() -> None:
    # A probe the client gives up on still costs the engine its work to the end: an engine
    # that keeps failing is asked at most every 24 probe intervals (2 minutes by default).
    clock = Clock()
    h = hedge(clock, losses=2)
    await _open_breaker(h)
    down = Backend("engine", error=EngineConnectionError("N/A", "refused", None))
    postgres = Backend("postgres")

    async def probe_after(seconds: float) -> bool:
        """True when a search `seconds` after the last probe sends a probe."""
        calls = down.calls
        clock.now += seconds
        await h.run(KIND, down, postgres)
        await asyncio.gather(*h._probes)
        return down.calls > calls

    assert await probe_after(5.0)
    for interval in (10.0, 20.0, 40.0, 80.0, 120.0, 120.0):
        assert not await probe_after(interval - 1.0)
        assert await probe_after(1.0)


@dataclass
class Late:
    """An engine that answers first but late: after PostgreSQL was asked (PostgreSQL hangs
    until the engine answered), `seconds` later on the test's clock."""

    clock: Clock
    seconds: float
    engine: Backend = field(default_factory=lambda: Backend("engine", hang=True))
    postgres: Backend = field(default_factory=lambda: Backend("postgres", hang=True))

    async def search(self, h: SearchHedge) -> str:
        run = asyncio.ensure_future(h.run(KIND, self.engine, self.postgres))
        await self.postgres.started.wait()
        self.postgres.started.clear()
        self.clock.now += self.seconds
        self.engine.release.set()
        answer = await run
        self.engine.release.clear()
        return answer.engine


def knows_postgres(h: SearchHedge, seconds: float) -> None:
    for _ in range(20):
        h.state(KIND).engine.observe(seconds)
        h.state(KIND).postgres.observe(seconds)


async def test_an_engine_that_keeps_answering_first_but_after_its_budget_opens_the_breaker() -> None:
    # Each of those searches cost both back ends and waited out the budget: no cheaper than
    # PostgreSQL alone, and slower.
    clock = Clock()
    h = hedge(clock, floor=0.001, ceiling=0.002, losses=2)
    knows_postgres(h, 0.001)
    late = Late(clock, seconds=1.0)
    assert await late.search(h) == ENGINE_OPENSEARCH
    assert await late.search(h) == ENGINE_OPENSEARCH
    assert late.postgres.cancelled == 2
    assert h.state(KIND).open
    assert (await h.run(KIND, late.engine, Backend("postgres"))).engine == ENGINE_POSTGRES


async def test_a_late_engine_answer_teaches_postgres_latency_and_does_not_count_before_it_is_known() -> None:
    clock = Clock()
    h = hedge(clock, floor=0.001, ceiling=0.002, losses=1)
    h.state(KIND).engine.observe(0.5)  # the engine is known, PostgreSQL not: the budget is the floor
    late = Late(clock, seconds=0.5)
    assert await late.search(h) == ENGINE_OPENSEARCH
    state = h.state(KIND)
    assert not state.open  # nothing said PostgreSQL would have been faster
    # PostgreSQL ran for 0.5 s without answering: its estimate starts there, not at nothing.
    assert state.postgres.samples == 1
    assert state.postgres.mean == pytest.approx(0.5)


async def _search(h: SearchHedge, engine_loses: bool) -> None:
    engine = Backend("engine", hang=engine_loses)
    await h.run(KIND, engine, Backend("postgres"))


async def test_the_breaker_opens_when_the_engine_loses_most_searches_though_never_three_in_a_row() -> None:
    h = hedge(losses=3)
    for loses in [True, True, False] * 4:  # loses two in three, 12 searches at most
        await _search(h, loses)
        if h.state(KIND).open:
            break
    assert h.state(KIND).open, "an engine losing two searches in three kept getting them all"
    (status,) = h.status()  # what the admin view shows
    assert status.breaker_open and status.loss_share > 0.5 and status.losses_in_a_row < 3


async def test_an_engine_losing_one_search_in_three_keeps_its_searches() -> None:
    h = hedge(losses=3)
    for loses in [True, False, False] * 20:
        await _search(h, loses)
    assert not h.state(KIND).open


async def test_a_probe_must_answer_within_what_postgres_usually_takes_not_its_upper_bound() -> None:
    # A probe runs on an engine relieved of the kind's traffic: clearing only PostgreSQL's
    # worst usual time would close the breaker on an engine that is slower again under load.
    clock = Clock()
    h = hedge(clock, floor=0.001, ceiling=0.5, losses=2)
    await _open_breaker(h)
    state = h.state(KIND)
    for i in range(40):  # PostgreSQL: 0.1 s on average, up to 0.3 s usually
        state.postgres.observe(0.05 if i % 2 else 0.15)
        state.engine.observe(1.0)
    assert state.postgres.upper is not None and state.postgres.upper > 0.2

    async def probe(seconds: float) -> bool:
        clock.now += 1000  # past any back-off

        async def engine() -> str:
            clock.now += seconds
            return "engine"

        await h.run(KIND, engine, Backend("postgres"))
        await asyncio.gather(*h._probes)
        return not state.open

    assert not await probe(0.2)  # within PostgreSQL's upper bound, slower than its mean
    assert await probe(0.05)
