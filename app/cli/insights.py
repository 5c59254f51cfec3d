"""`levelith search insights`: the most frequent, zero-result and abandoned NAICS queries."""

from __future__ import annotations

import asyncio

import click
from rich.console import Console
from rich.table import Table

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.runtime import engines
from app.schemas.admin_search import QueryCount, SearchInsights
from app.services.search_insights import MAX_INSIGHT_DAYS, MAX_INSIGHT_ITEMS, search_insights, utc_today


@click.group("search")
def search_group() -> None:
    """What users search for."""


async def _report(settings: Settings, days: int, limit: int) -> SearchInsights:
    engine = create_engine(settings, pool=False)
    try:
        async with session_factory(engine)() as session:
            return await search_insights(session, days=days, limit=limit, today=utc_today())
    finally:
        await engine.dispose()


def _table(title: str, items: list[QueryCount]) -> Table:
    table = Table(title=title)
    table.add_column("query")
    table.add_column("count", justify="right")
    for item in items:
        table.add_row(item.query, str(item.count))
    if not items:
        table.add_row("(none)", "")
    return table


@search_group.command("insights")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, MAX_INSIGHT_DAYS))
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_INSIGHT_ITEMS),
    help="Queries per list.",
)
@click.option("--per-day", is_flag=True, help="Also list each day on its own.")
def insights_command(days: int, top: int, per_day: bool) -> None:
    """Most frequent queries, and those that found nothing or were abandoned (UTC days)."""
    with engines(Settings.from_env(), need_search=False) as settings:
        report = asyncio.run(_report(settings, days, top))
    console = Console()
    console.print(f"Search insights {report.since} .. {report.until} ({report.days} days)")
    console.print(_table("Most frequent queries", report.top_queries))
    console.print(_table("Zero-result queries", report.top_zero_result_queries))
    console.print(_table("Abandoned queries", report.top_abandoned_queries))
    if per_day:
        for day in report.per_day:
            console.print(
                f"{day.day}: {day.queries} queries, {day.zero_result_queries} found nothing, "
                f"{day.abandoned_queries} abandoned"
            )
            console.print(_table(f"{day.day}: most frequent", day.top_queries))
