"""`levelith indexer run|status` and `levelith reindex`: keeping the search indexes in step."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator

import click
from opensearchpy import ConnectionError as EngineConnectionError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.runtime import engines
from app.schemas.admin_search import SearchStatus
from app.search.client import create_bulk_client
from app.search.definitions import INDEX_KINDS
from app.services.search_status import indexer_status
from indexer.reindex import ReindexError, ReindexSummary, reindex
from indexer.worker import running_worker


@contextlib.contextmanager
def _settings() -> Iterator[Settings]:
    # The client logs every failed request with a traceback; these commands report engine
    # trouble themselves (status table, retry warnings), once and readably.
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    # Without OPENSEARCH_URL these find the engine of a running `levelith serve`, or start one.
    configured = Settings.from_env()
    with engines(configured) as settings:
        yield settings


@click.group()
def indexer() -> None:
    """The outbox consumer that keeps OpenSearch in step with PostgreSQL."""


@indexer.command("run")
def run_indexer() -> None:
    """Consume the outbox until SIGTERM or SIGINT (the batch in progress is finished first)."""
    with _settings() as settings:
        asyncio.run(_run(settings))
    click.echo("indexer stopped")


async def _run(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with running_worker(settings):
        click.echo(f"indexer running (indexes prefixed {settings.index_prefix!r}); Ctrl-C stops it")
        await stop.wait()


async def _status(settings: Settings) -> SearchStatus:
    engine = create_engine(settings, pool=False)
    client = create_bulk_client(settings)
    try:
        async with session_factory(engine)() as session:
            return await indexer_status(session, client, settings.index_prefix)
    finally:
        await client.close()
        await engine.dispose()


def _age(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}s"


def _status_table(status: SearchStatus) -> Table:
    table = Table(title="Search indexes" + ("" if status.engine_reachable else " (engine unreachable)"))
    for column in ("alias", "index", "PostgreSQL", "in index", "pending", "oldest pending", "state"):
        table.add_column(
            column, justify="right" if column in {"PostgreSQL", "in index", "pending"} else "left"
        )
    for index in status.indexes:
        if not status.engine_reachable:
            state = "engine down"
        elif index.index is None:
            state = "missing"
        elif index.pending_outbox_rows or index.documents_index != index.documents_postgres:
            state = "catching up"
        else:
            state = "in sync"
        if index.rebuilding:
            state += ", rebuilding"
        table.add_row(
            index.alias,
            index.index or "-",
            str(index.documents_postgres),
            "-" if index.documents_index is None else str(index.documents_index),
            str(index.pending_outbox_rows),
            _age(index.oldest_pending_seconds),
            state,
        )
    return table


@indexer.command("status")
@click.option("--quiet", "-q", is_flag=True, help="No output; the exit status says it all.")
def status_command(quiet: bool) -> None:
    """Documents in PostgreSQL and in each index, pending outbox rows and lag.

    Exits 1 when the search engine is unreachable, 2 when PostgreSQL is.
    """
    with _settings() as settings:
        try:
            status = asyncio.run(_status(settings))
        except (OSError, DBAPIError) as exc:
            if not quiet:
                click.echo(f"PostgreSQL unreachable: {exc}", err=True)
            sys.exit(2)
    if not quiet:
        # Off a terminal (logs, pipes) a wide table beats one wrapped at 80 columns.
        Console(width=None if sys.stdout.isatty() else 160).print(_status_table(status))
    sys.exit(0 if status.engine_reachable else 1)


async def _reindex(settings: Settings, kinds: list[str], show_progress: bool) -> list[ReindexSummary]:
    engine = create_engine(settings)
    client = create_bulk_client(settings)
    summaries = []
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=not show_progress,
        ) as bar:
            for kind in kinds:
                task = bar.add_task(kind, total=None)

                def progress(done: int, total: int, task: int = task) -> None:
                    bar.update(task, completed=done, total=total)

                summaries.append(
                    await reindex(
                        kind, client, session_factory(engine), prefix=settings.index_prefix, progress=progress
                    )
                )
    finally:
        await client.close()
        await engine.dispose()
    return summaries


@click.command("reindex")
@click.argument("what", type=click.Choice([*INDEX_KINDS, "all"]), default="all")
def reindex_command(what: str) -> None:
    """Build fresh indexes from PostgreSQL and swap the aliases; searches keep answering."""
    kinds = list(INDEX_KINDS) if what == "all" else [what]
    with _settings() as settings:
        try:
            summaries = asyncio.run(_reindex(settings, kinds, sys.stdout.isatty()))
        except EngineConnectionError as exc:
            raise click.ClickException(f"search engine unreachable: {exc}") from None
        except (OSError, DBAPIError) as exc:
            raise click.ClickException(f"PostgreSQL unreachable: {exc}") from None
        except ReindexError as exc:
            raise click.ClickException(str(exc)) from None
    for summary in summaries:
        removed = ", ".join(summary.removed_indexes) or "none"
        click.echo(
            f"{summary.kind}: {summary.indexed} documents into {summary.index} in {summary.seconds:.1f}s "
            f"({summary.documents_per_second:.0f} docs/s); {summary.skipped} hidden; "
            f"removed indexes: {removed}"
        )
