"""The NAICS 2022 catalogue shipped inside the package: ``app/naics/data/catalogue.json.gz``.

One gzip'd JSON document, derived by ``levelith naics build-data`` (app/naics/build_data.py)
from the Census Bureau's official files, the built-in aliases (app/naics/aliases.py) and the
NAICS 2017 -> 2022 and SIC -> NAICS crosswalks. A fresh install seeds its database from it,
so the catalogue is complete (descriptions, index items, aliases, former codes) without an
import step. See docs/catalogue-data.md.

Each entry keeps its index items apart from its aliases: they become the record's
``keywords`` *and* ``index_keywords`` (so a later index import knows which keywords to
replace), while the aliases are the built-in ones.
"""

from __future__ import annotations

import gzip
from os import PathLike
from pathlib import Path
from typing import Final

import msgspec

from app.naics.records import NaicsRecord

FORMAT_VERSION: Final = 1
DATA_FILE: Final = Path(__file__).resolve().parent / "data" / "catalogue.json.gz"


class CatalogueEntry(msgspec.Struct, kw_only=True, omit_defaults=True):
    code: str
    title: str
    description: str | None = None
    examples: str | None = None
    # Census index items for this code, in file order (the Bureau's own search terms).
    index_items: list[str] = msgspec.field(default_factory=list)
    # Built-in aliases (app/naics/aliases.py) at the time the file was built.
    aliases: list[str] = msgspec.field(default_factory=list)
    cross_references: list[str] = msgspec.field(default_factory=list)
    naics_2017_codes: list[str] = msgspec.field(default_factory=list)
    sic_codes: list[str] = msgspec.field(default_factory=list)

    def record(self, data_source: str) -> NaicsRecord:
        return NaicsRecord.build(
            self.code,
            self.title,
            description=self.description,
            examples=self.examples,
            keywords=list(self.index_items),
            index_keywords=list(self.index_items),
            aliases=list(self.aliases),
            cross_references=list(self.cross_references),
            naics_2017_codes=list(self.naics_2017_codes),
            sic_codes=list(self.sic_codes),
            data_source=data_source,
        )


class CatalogueData(msgspec.Struct, kw_only=True):
    format: int
    # What ``naics_codes.data_source`` says for rows seeded from this file.
    data_source: str
    # Input -> fingerprint: each Census file's sha256, the crosswalk package's version.
    sources: dict[str, str]
    codes: list[CatalogueEntry]

    def records(self) -> list[NaicsRecord]:
        return [entry.record(self.data_source) for entry in self.codes]


def encode_catalogue_data(data: CatalogueData) -> bytes:
    """The file's bytes: byte-for-byte the same for the same data (no timestamp in the gzip header)."""
    return gzip.compress(msgspec.json.encode(data), compresslevel=9, mtime=0)


def write_catalogue_data(data: CatalogueData, path: str | PathLike[str] = DATA_FILE) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(encode_catalogue_data(data))


def read_catalogue_data(path: str | PathLike[str] = DATA_FILE) -> CatalogueData:
    data = msgspec.json.decode(gzip.decompress(Path(path).read_bytes()), type=CatalogueData)
    if data.format != FORMAT_VERSION:
        raise ValueError(f"{path}: catalogue data format {data.format}, this version reads {FORMAT_VERSION}")
    return data
