"""Search insights: what is counted as a query, a zero-result query and an abandoned one, what
reaches the database (text and counts only, bounded), and who may read the report."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.auth.tokens import account_token
from app.config import Settings
from app.db.engine import session_factory
from app.models import SearchInsightDay, UserRole
from app.repositories.search_insights import Counts
from app.services.search_insights import InsightsPolicy, InsightsRecorder, flush, utc_today
from tests.support.rows import add_user

TODAY = date(2026, 12, 6)
POLICY = InsightsPolicy(flush_seconds=10, retention_days=30, max_queries_per_day=1000)


@pytest.fixture
def sessions(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(db_engine)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def recorder(clock: FakeClock) -> InsightsRecorder:
    return InsightsRecorder(abandon_after=10, clock=clock, today=lambda: TODAY)


def test_typing_that_stops_without_a_pick_is_one_abandoned_query() -> None:
    clock = FakeClock()
    insights = recorder(clock)
    for typed in ("so", "sof", "soft", "softw", "Software"):
        insights.typed(typed, ["513210", "541511"])
        clock.now += 0.2
    clock.now += 11
    counts = insights.take()[TODAY]
    # The keystrokes on the way are not queries; the text typing stopped at is, once.
    assert counts == {"software": Counts(searches=1, zero_results=0, abandoned=1)}


def test_picking_a_suggestion_or_searching_is_not_abandoning() -> None:
    clock = FakeClock()
    insights = recorder(clock)
    insights.typed("bakeri", ["311811", "445291"])
    clock.now += 2
    insights.opened("311811")
    insights.typed("dentis", ["621210"])
    insights.searched("Dentist", total=3)
    insights.typed("zzqx", [])
    insights.searched("  ", total=0)  # blank: not a query
    clock.now += 11
    counts = insights.take()[TODAY]
    assert counts["bakeri"] == Counts(searches=1, zero_results=0, abandoned=0)
    assert counts["dentist"] == Counts(searches=1, zero_results=0, abandoned=0)
    assert counts["dentis"] == Counts(searches=1, zero_results=0, abandoned=1)
    assert counts["zzqx"] == Counts(searches=1, zero_results=1, abandoned=1)
    assert set(counts) == {"bakeri", "dentist", "dentis", "zzqx"}


def test_typing_still_in_its_window_waits() -> None:
    clock = FakeClock()
    insights = recorder(clock)
    insights.typed("plumb", ["238220"])
    clock.now += 5
    assert insights.take() == {}
    clock.now += 6
    assert insights.take()[TODAY]["plumb"].abandoned == 1


async def test_flush_adds_up_keeps_a_day_bounded_and_forgets_old_days(
    db_session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    old = TODAY - timedelta(days=POLICY.retention_days)
    db_session.add(SearchInsightDay(day=old, query="ancient", searches=5, zero_results=0, abandoned=0))
    await db_session.commit()

    clock = FakeClock()
    insights = recorder(clock)
    for _ in range(3):
        insights.searched("restaurants", total=12)
    insights.searched("resturants", total=0)
    await flush(insights, sessions, POLICY)
    insights.searched("restaurants", total=12)
    await flush(insights, sessions, InsightsPolicy(10, POLICY.retention_days, max_queries_per_day=2))
    insights.searched("a third query", total=1)  # the day is full: dropped
    await flush(insights, sessions, InsightsPolicy(10, POLICY.retention_days, max_queries_per_day=2))

    rows = (await db_session.execute(select(SearchInsightDay).order_by(SearchInsightDay.query))).scalars()
    assert [(r.day, r.query, r.searches, r.zero_results) for r in rows] == [
        (TODAY, "restaurants", 4, 0),
        (TODAY, "resturants", 1, 1),
    ]


async def test_only_query_text_and_counts_are_stored(db_session: AsyncSession) -> None:
    columns = await db_session.execute(
        text("SELECT column_name FROM information_schema.columns WHERE table_name = 'search_insights_daily'")
    )
    assert set(columns.scalars()) == {"day", "query", "searches", "zero_results", "abandoned"}


async def admin_headers(db_session: AsyncSession, settings: Settings) -> dict[str, str]:
    admin = await add_user(db_session)
    db_session.add(UserRole(user_id=admin.id, role="admin"))
    await db_session.commit()
    return {"Authorization": f"Bearer {account_token(admin, settings)}"}


async def test_requests_become_insights_for_admins(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db_session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    for q in ("den", "dent", "dentist"):
        assert (await client.get("/api/v1/naics/autocomplete", params={"q": q})).status_code == 200
    for q in ("bak", "bake", "bakeries"):
        suggestions = (await client.get("/api/v1/naics/autocomplete", params={"q": q})).json()
    assert (await client.get(f"/api/v1/naics/{suggestions['items'][0]['code']}")).status_code == 200
    for _ in range(2):
        await client.get("/api/v1/naics/search", params={"q": "Plumbing"})
    await client.get("/api/v1/naics/search", params={"q": "xqzvw"})
    await client.get("/api/v1/naics/search", params={"q": "plumbing", "offset": 20})  # a later page
    await flush(app.state.insights, sessions, POLICY, everything=True)

    assert (await client.get("/api/v1/admin/search/insights")).status_code == 401
    member = await add_user(db_session)
    member_headers = {"Authorization": f"Bearer {account_token(member, settings)}"}
    assert (await client.get("/api/v1/admin/search/insights", headers=member_headers)).status_code == 403

    headers = await admin_headers(db_session, settings)
    response = await client.get("/api/v1/admin/search/insights", params={"days": 7}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["days"] == 7
    top = {item["query"]: item["count"] for item in body["top_queries"]}
    assert top == {"plumbing": 2, "xqzvw": 1, "dentist": 1, "bakeries": 1}
    assert body["top_queries"][0] == {"query": "plumbing", "count": 2}
    assert body["top_zero_result_queries"] == [{"query": "xqzvw", "count": 1}]
    assert body["top_abandoned_queries"] == [{"query": "dentist", "count": 1}]
    [today] = body["per_day"]
    assert (today["queries"], today["zero_result_queries"], today["abandoned_queries"]) == (5, 1, 1)
    assert "127.0.0.1" not in response.text and "testclient" not in response.text


@pytest.mark.parametrize("days", ["0", "400", "week"])
async def test_bad_days_is_a_4xx_naming_the_field(
    client: AsyncTestClient[Litestar], db_session: AsyncSession, settings: Settings, days: str
) -> None:
    headers = await admin_headers(db_session, settings)
    response = await client.get("/api/v1/admin/search/insights", params={"days": days}, headers=headers)
    assert 400 <= response.status_code < 500
    assert "days" in response.text


async def test_cli_prints_the_report(db_session: AsyncSession, settings: Settings) -> None:
    db_session.add(
        SearchInsightDay(day=utc_today(), query="welding", searches=4, zero_results=0, abandoned=2)
    )
    await db_session.commit()
    env = {**os.environ, "DATABASE_URL": settings.database_url or "", "LOG_LEVEL": "WARNING"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "indexer", "search", "insights", "--days", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "welding" in result.stdout
    assert "Abandoned queries" in result.stdout
