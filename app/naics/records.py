"""``NaicsRecord``: one catalogue entry as every importer produces it.

It mirrors the ``naics_codes`` columns that come from data files (admin
fields, SBA data and timestamps belong to the database layer).
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from app.naics.categories import Category, category_for
from app.naics.codes import Hierarchy, denormalised


class NaicsRecord(Hierarchy, kw_only=True, frozen=False):
    title: str
    description: str | None = None
    category: Category
    keywords: list[str] = msgspec.field(default_factory=list)
    # The keywords that came from the Census index file (a subset of ``keywords``): an
    # import of another index file replaces exactly these.
    index_keywords: list[str] = msgspec.field(default_factory=list)
    aliases: list[str] = msgspec.field(default_factory=list)
    examples: str | None = None
    cross_references: list[str] = msgspec.field(default_factory=list)
    # What a 2022 code came from: NAICS 2017 codes (Census concordance) and SIC codes.
    naics_2017_codes: list[str] = msgspec.field(default_factory=list)
    sic_codes: list[str] = msgspec.field(default_factory=list)
    is_active: bool = True
    year: int = 2022
    data_source: str | None = None

    # Derived from the code; accepting them in build() would let a caller
    # store a row whose hierarchy contradicts its code.
    DERIVED: ClassVar[frozenset[str]] = frozenset(Hierarchy.__struct_fields__) - {"code"}

    @classmethod
    def build(cls, code: str, title: str, **extra: Any) -> NaicsRecord:
        """A record whose hierarchy (and category, unless given) is derived from ``code``.

        ``code`` may be any accepted spelling ("31-33", " 541511 "); it is
        stored canonical. Raises ``InvalidNaicsCode`` for a bad code and
        ``TypeError`` when a derived field is passed in ``extra``.
        """
        clashes = cls.DERIVED & extra.keys()
        if clashes:
            raise TypeError(f"derived from the code, cannot be given: {', '.join(sorted(clashes))}")
        h = denormalised(code)
        category = extra.pop("category", None)
        return cls(
            **msgspec.structs.asdict(h),
            title=title,
            category=Category(category) if category is not None else category_for(h.code),
            **extra,
        )
