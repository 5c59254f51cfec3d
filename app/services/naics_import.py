"""Load catalogue records into PostgreSQL, all or nothing.

One transaction per import: ``--clear`` deletes in it, new codes are inserted
and existing ones updated in it, and a dry run rolls it back after computing
the exact summary. The outbox triggers queue one search document per changed
code in the same transaction, which is the indexer's hook; nothing here has to
call the search engine.

Clearing while experiences use a code that the import does not bring back
would break them: the deferred constraint trigger refuses that at commit.
We check the same condition just before committing so the user gets the list
of codes (and how many experiences use each) instead of a bare SQL error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.naics.builtin import DATA_SOURCE as BUILTIN_SOURCE
from app.naics.builtin import builtin_data, builtin_records
from app.naics.codes import VALID_LEVELS
from app.naics.importing import ImportBundle, read_import_files
from app.naics.keywords import merge_unique, replace_index_keywords
from app.naics.records import NaicsRecord
from app.repositories.naics import KeywordSources, NaicsRepository

# (done, total) after each chunk: what a progress bar needs.
Progress = Callable[[int, int], None]


class CodesStillInUse(Exception):
    """The import would remove codes that experiences still point at."""

    def __init__(self, in_use: dict[str, int]) -> None:
        self.in_use = in_use
        listed = ", ".join(f"{code} ({n} experience{'s' if n != 1 else ''})" for code, n in in_use.items())
        super().__init__(
            "refusing to import: codes would disappear that experiences still use"
            + (f": {listed}" if listed else "")
            + ". Import files that contain these codes, or reclassify those experiences first."
        )


@dataclass(slots=True)
class ImportSummary:
    source: str
    records: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    # reason -> rows left out, e.g. "five_digit (codes file)": 689, "placeholder (index file)": 25
    skipped: Counter[str] = field(default_factory=Counter)
    # (file, line, code) of TSV rows ignored because the code came earlier.
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    index_items_attached: int = 0
    level_counts: dict[int, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    committed: bool = False


def _skipped_from_bundle(bundle: ImportBundle) -> Counter[str]:
    skipped: Counter[str] = Counter()
    if bundle.census is not None:
        for key, count in bundle.census.stats.skipped.items():
            kind, _, reason = key.partition(":")
            skipped[f"{reason} ({kind} file)"] += count
    if bundle.tsv_duplicates:
        skipped["duplicate code (TSV)"] += len(bundle.tsv_duplicates)
    return skipped


def summary_for_bundle(bundle: ImportBundle) -> ImportSummary:
    sources = list(bundle.census.stats.files.values()) if bundle.census else []
    sources += bundle.tsv_files
    summary = ImportSummary(
        source=", ".join(sources),
        records=len(bundle.records),
        skipped=_skipped_from_bundle(bundle),
        duplicates=list(bundle.tsv_duplicates),
        index_items_attached=bundle.census.stats.index_items_attached if bundle.census else 0,
    )
    if bundle.census is not None:
        summary.warnings.extend(
            f"Census structure summary disagrees: {m}" for m in bundle.census.summary_mismatches()
        )
    return summary


def with_shipped_data(records: Sequence[NaicsRecord], stored: set[str]) -> list[NaicsRecord]:
    """Add what no import file carries but the package ships: former and SIC codes, and the
    built-in aliases of codes not stored yet (a stored code keeps the aliases it has, which
    admins may have edited; after ``--clear`` every code is new)."""
    shipped = {entry.code: entry for entry in builtin_data().codes}
    filled: list[NaicsRecord] = []
    for record in records:
        entry = shipped.get(record.code)
        if entry is not None:
            changes: dict[str, list[str]] = {}
            if not record.naics_2017_codes and not record.sic_codes:
                changes.update(naics_2017_codes=list(entry.naics_2017_codes), sic_codes=list(entry.sic_codes))
            if not record.aliases and record.code not in stored:
                changes["aliases"] = list(entry.aliases)
            if changes:
                record = msgspec.structs.replace(record, **changes)
        filled.append(record)
    return filled


def _replace_index(
    records: Sequence[NaicsRecord], stored: dict[str, KeywordSources]
) -> tuple[list[NaicsRecord], dict[str, KeywordSources]]:
    """Swap every code's previous index keywords for this import's; keep hand-added ones.

    Returns the records with their final keyword lists, and the lists the upsert alone
    would not write (empty lists, which it reads as "not given", and codes the import
    does not name): the caller writes those with ``set_keywords``.
    """
    final: list[NaicsRecord] = []
    exact: dict[str, KeywordSources] = {}
    for record in records:
        before = stored.get(record.code)
        if before is not None:
            by_hand = replace_index_keywords(before.keywords, before.index_keywords, [])
            record = msgspec.structs.replace(record, keywords=merge_unique(record.keywords, by_hand))
        if not record.keywords or not record.index_keywords:
            exact[record.code] = KeywordSources(list(record.keywords), list(record.index_keywords))
        final.append(record)
    named = {record.code for record in records}
    for code, before in stored.items():
        if code not in named and before.index_keywords:
            exact[code] = KeywordSources(
                replace_index_keywords(before.keywords, before.index_keywords, []), []
            )
    return final, exact


async def load_records(
    session: AsyncSession,
    records: Sequence[NaicsRecord],
    summary: ImportSummary,
    *,
    clear: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    replaces_index: bool = False,
) -> ImportSummary:
    """Write ``records`` in the session's transaction; commit it unless ``dry_run``.

    ``replaces_index``: the records carry a complete Census index file (or the shipped
    catalogue's), so the keywords that came from the previous one are replaced on every
    code, including codes the records do not name; keywords added by hand stay.

    On any error (and for a dry run) the transaction is rolled back and the
    database is as before. Give it a session with no pending work of its own.
    """
    repo = NaicsRepository(session)
    summary.dry_run = dry_run
    summary.records = len(records)
    counts = Counter(r.level for r in records)
    summary.level_counts = {level: counts.get(level, 0) for level in VALID_LEVELS}
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, len(records))

    try:
        records = with_shipped_data(records, set() if clear else await repo.existing_codes())
        exact: dict[str, KeywordSources] = {}
        if replaces_index:
            # After --clear nothing stored survives to keep.
            stored = {} if clear else await repo.keyword_sources()
            records, exact = _replace_index(records, stored)
        if clear:
            summary.deleted = await repo.delete_all()
        result = await repo.upsert_many(records, progress=advance)
        await repo.set_keywords(exact)
        summary.inserted = len(result.inserted)
        summary.updated = len(result.updated)
        summary.unchanged = len(result.unchanged)
        in_use = await repo.missing_codes_in_use()
        if in_use:
            raise CodesStillInUse(in_use)
        if dry_run:
            await session.rollback()
            return summary
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        # The deferred trigger fired after our own check (a concurrent experience write).
        if "naics_codes_still_referenced" in str(exc.orig):
            raise CodesStillInUse({}) from exc
        raise
    except BaseException:
        await session.rollback()
        raise
    summary.committed = True
    return summary


async def import_files(
    session: AsyncSession,
    paths: Iterable[str | PathLike[str]],
    *,
    clear: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Read TSV and Census files (``ImportFileError`` on a bad row, before any write) and load them."""
    bundle = read_import_files(paths)
    summary = summary_for_bundle(bundle)
    return await load_records(
        session,
        bundle.records,
        summary,
        clear=clear,
        dry_run=dry_run,
        progress=progress,
        replaces_index=replaces_index(bundle),
    )


def replaces_index(bundle: ImportBundle) -> bool:
    """An import that brings a Census index file replaces the previous index keywords."""
    return bundle.census is not None and bundle.census.has_index


async def seed_builtin(
    session: AsyncSession, *, clear: bool = False, dry_run: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Load the catalogue shipped in the package (1,436 codes with descriptions, index items, aliases)."""
    records = builtin_records()
    return await load_records(
        session,
        records,
        ImportSummary(
            source=BUILTIN_SOURCE, index_items_attached=sum(len(r.index_keywords) for r in records)
        ),
        clear=clear,
        dry_run=dry_run,
        progress=progress,
        replaces_index=True,
    )


async def seed_if_empty(session: AsyncSession) -> ImportSummary | None:
    """Seed the built-in catalogue when ``naics_codes`` has no rows; None when it had some."""
    if await NaicsRepository(session).count() > 0:
        await session.rollback()
        return None
    return await seed_builtin(session)
