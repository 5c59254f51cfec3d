"""NAICS code syntax, levels and hierarchy, as pure functions.

Sector ranges (decision)
------------------------
The Census Bureau publishes three sectors as ranges: 31-33 (Manufacturing),
44-45 (Retail Trade) and 48-49 (Transportation and Warehousing). Subsector
codes then start with any number of the range (e.g. 336 starts with "33").

This service stores each published sector as ONE row under a canonical,
digits-only code: the first number of the range ("31", "44", "48").

Why:
- one row per published sector, so the catalogue has exactly the 20 sectors
  the Census Bureau publishes (not 17 + 3 ranges, nor 24 with 32/33/45/49);
- ``naics_codes.code`` stays digits only and fits ``VARCHAR(6)``, and
  ``sector`` fits ``VARCHAR(2)``, so every code column has one syntax;
- every 3-digit code resolves to its real sector: ``parent_of("336") == "31"``
  and ``sector_of("336111") == "31"``, never to a "33" row that does not exist.

``normalise_code`` only fixes syntax: it turns "31-33" into "31" (a range is
not storable) but keeps "32" as "32". ``resolve_sector_alias`` maps the
aliases 32/33/45/49 to their canonical sector; API callers and importers use
``canonical_code`` (normalise + resolve) so "32" finds Manufacturing.
``display_code`` turns a code back into what people know: the published
range for a sector ("31" -> "31-33").

The hierarchy helpers (``parent_of``, ``ancestors``, ``hierarchy``)
accept any spelling and compare canonical codes, so "33" and "31" are the
same sector there.
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

# Canonical sector -> the range the Census Bureau publishes for it.
SECTOR_RANGES: Final[dict[str, str]] = {"31": "31-33", "44": "44-45", "48": "48-49"}

# Every 2-digit number (and published range) that names a canonical sector.
SECTOR_ALIASES: Final[dict[str, str]] = {
    "32": "31",
    "33": "31",
    "45": "44",
    "49": "48",
    **{rng: canonical for canonical, rng in SECTOR_RANGES.items()},
}

# The 20 sectors of NAICS 2022, canonical codes.
SECTORS: Final[tuple[str, ...]] = (
    "11", "21", "22", "23", "31", "42", "44", "48", "51", "52",
    "53", "54", "55", "56", "61", "62", "71", "72", "81", "92",
)  # fmt: skip

# Levels are named after the digit count; 5-digit "NAICS industries" are not
# part of this platform's hierarchy (their 6-digit children carry the data).
VALID_LEVELS: Final[tuple[int, ...]] = (2, 3, 4, 6)

LEVEL_NAMES: Final[dict[int, str]] = {
    2: "sector",
    3: "subsector",
    4: "industry_group",
    6: "national_industry",
}


def level_name(level: int) -> str:
    """The level's name in API answers: 4 -> "industry_group" (an unknown level: its number)."""
    return LEVEL_NAMES.get(level, str(level))


def level_label(level: int) -> str:
    """The level's name for people (facet labels): 4 -> "Industry Group"."""
    name = LEVEL_NAMES.get(level)
    return name.replace("_", " ").title() if name else f"Level {level}"


_DIGITS = re.compile(r"[0-9]+")
_RANGE = re.compile(r"[0-9]{2}-[0-9]{2}")
_LETTER = re.compile(r"[^\W\d_]")


class InvalidNaicsCode(ValueError):
    """A string that is not a NAICS code.

    ``rule`` is machine-readable (API error payloads, import reports); the
    message is for people.
    """

    def __init__(self, raw: object, rule: str, message: str) -> None:
        self.raw = raw
        self.rule = rule
        self.message = message
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InvalidNaicsCode], tuple[object, str, str]]:
        return (type(self), (self.raw, self.rule, self.message))


class Hierarchy(msgspec.Struct, frozen=True, kw_only=True):
    """The denormalised hierarchy columns of one code (``naics_codes`` row); every catalogue
    record (app/naics/records.py) carries them."""

    code: str
    level: int
    parent_code: str | None
    sector: str
    subsector: str | None
    industry_group: str | None
    industry_detail: str | None


def normalise_code(raw: str) -> str:
    """Return ``raw`` as a digits-only code of a valid length.

    Surrounding whitespace is ignored; a published sector range becomes its
    canonical sector ("31-33" -> "31"); other 2-digit numbers stay as given.
    Raises ``InvalidNaicsCode`` with rule ``empty``, ``not_digits``,
    ``bad_range`` or ``bad_length``.
    """
    if not isinstance(raw, str):
        raise InvalidNaicsCode(raw, "not_digits", f"code {raw!r} is not text")
    code = raw.strip()
    if not code:
        raise InvalidNaicsCode(raw, "empty", "code is empty")
    if _RANGE.fullmatch(code):
        if code not in SECTOR_ALIASES:
            published = ", ".join(SECTOR_RANGES.values())
            raise InvalidNaicsCode(
                raw, "bad_range", f"code '{code}' is not a published sector range ({published})"
            )
        return SECTOR_ALIASES[code]
    if not _DIGITS.fullmatch(code):
        if _LETTER.search(code):
            raise InvalidNaicsCode(raw, "not_digits", f"code '{code}' has letters")
        if "-" in code:
            raise InvalidNaicsCode(
                raw, "bad_range", f"code '{code}' has a hyphen; only sector ranges like 31-33 may"
            )
        raise InvalidNaicsCode(raw, "not_digits", f"code '{code}' has characters other than digits")
    if len(code) not in VALID_LEVELS:
        raise InvalidNaicsCode(
            raw,
            "bad_length",
            f"code '{code}' has {len(code)} digits; NAICS codes have 2, 3, 4 or 6",
        )
    return code


def canonical_sector(code: str) -> str:
    """The canonical sector of a 2-digit code or sector range ("32" -> "31")."""
    code = normalise_code(code)
    if len(code) != 2:
        raise InvalidNaicsCode(code, "bad_length", f"code '{code}' is not a 2-digit sector")
    return SECTOR_ALIASES.get(code, code)


def resolve_sector_alias(code: str) -> str:
    """Map a sector alias (32, 33, 45, 49 or a range) to its canonical sector.

    Any other valid code is returned normalised and otherwise unchanged.
    """
    code = normalise_code(code)
    return SECTOR_ALIASES.get(code, code)


def canonical_code(raw: str) -> str:
    """Normalise ``raw`` and resolve sector aliases: the form stored and looked up."""
    return resolve_sector_alias(normalise_code(raw))


def sector_of(code: str) -> str:
    """The canonical sector a code belongs to ("336111" -> "31")."""
    code = normalise_code(code)
    return SECTOR_ALIASES.get(code[:2], code[:2])


def display_code(code: str) -> str:
    """How people know a code: a sector as its published range ("31" or "33" -> "31-33");
    every other code unchanged."""
    return SECTOR_RANGES.get(SECTOR_ALIASES.get(code, code), code)


def parent_of(code: str) -> str | None:
    """The direct parent: 6 -> 4 digits, 4 -> 3, 3 -> canonical sector, 2 -> None."""
    code = canonical_code(code)
    level = len(code)
    if level == 2:
        return None
    if level == 3:
        return sector_of(code)
    if level == 4:
        return code[:3]
    return code[:4]


def ancestors(code: str) -> list[str]:
    """All ancestors, sector first, without the code itself."""
    chain: list[str] = []
    parent = parent_of(code)
    while parent is not None:
        chain.append(parent)
        parent = parent_of(parent)
    chain.reverse()
    return chain


def hierarchy(code: str) -> list[str]:
    """Ancestors then the (canonical) code itself: "541511" -> 54, 541, 5415, 541511."""
    return [*ancestors(code), canonical_code(code)]


def denormalised(code: str) -> Hierarchy:
    """The denormalised hierarchy columns for ``code`` (canonicalised first)."""
    code = canonical_code(code)
    level = len(code)
    return Hierarchy(
        code=code,
        level=level,
        parent_code=parent_of(code),
        sector=sector_of(code),
        subsector=code[:3] if level >= 3 else None,
        industry_group=code[:4] if level >= 4 else None,
        industry_detail=code if level == 6 else None,
    )
