"""The 14 import categories and which NAICS codes fall in each.

The mapping is data (two dicts), not code, so it can be reviewed, tested for
coverage and changed without touching logic. A code's category is the one of
its longest matching prefix in ``PREFIX_CATEGORIES``, else its sector's in
``SECTOR_CATEGORIES``, else ``general``.

Where the 14 categories have no natural home for a sector we lean on the BLS
"supersector" grouping of NAICS sectors, and otherwise fall back to
``general`` rather than mislabel people's experience.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from app.naics.codes import canonical_code, sector_of


class Category(StrEnum):
    TECHNOLOGY = "technology"
    EDUCATION = "education"
    HEALTHCARE = "healthcare"
    FINANCE = "finance"
    MANUFACTURING = "manufacturing"
    RETAIL = "retail"
    HOSPITALITY = "hospitality"
    CONSTRUCTION = "construction"
    AGRICULTURE = "agriculture"
    TRANSPORTATION = "transportation"
    PROFESSIONAL_SERVICES = "professional_services"
    ARTS_ENTERTAINMENT = "arts_entertainment"
    PUBLIC_ADMINISTRATION = "public_administration"
    GENERAL = "general"


C = Category

# Canonical sector -> category. Must cover all 20 sectors (tested).
SECTOR_CATEGORIES: Final[Mapping[str, Category]] = MappingProxyType(
    {
        "11": C.AGRICULTURE,
        # Mining, oil and gas: BLS pairs it with agriculture ("natural resources
        # and mining"), but calling a petroleum engineer's job "agriculture" is
        # wrong to the user and it transforms nothing, so not manufacturing
        # either; no category fits, so general.
        "21": C.GENERAL,
        # Utilities: no energy category; general rather than a wrong guess.
        "22": C.GENERAL,
        "23": C.CONSTRUCTION,
        "31": C.MANUFACTURING,
        # Wholesale trade buys goods for resale like retail does (BLS groups both
        # under "trade"); retail is the closest of the 14.
        "42": C.RETAIL,
        "44": C.RETAIL,
        "48": C.TRANSPORTATION,
        # Information is mostly publishing and media; the technology parts are
        # overridden below, the media parts go to arts_entertainment.
        "51": C.GENERAL,
        "52": C.FINANCE,
        # Real estate, rental and leasing: BLS "financial activities" with 52.
        "53": C.FINANCE,
        "54": C.PROFESSIONAL_SERVICES,
        # Management of companies and administrative/support services: BLS
        # "professional and business services" with 54.
        "55": C.PROFESSIONAL_SERVICES,
        "56": C.PROFESSIONAL_SERVICES,
        "61": C.EDUCATION,
        "62": C.HEALTHCARE,
        "71": C.ARTS_ENTERTAINMENT,
        "72": C.HOSPITALITY,
        # Other services (repair, personal care, religious and civic groups).
        "81": C.GENERAL,
        "92": C.PUBLIC_ADMINISTRATION,
    }
)

# Finer overrides by code prefix (3, 4 or 6 digits); the longest match wins.
PREFIX_CATEGORIES: Final[Mapping[str, Category]] = MappingProxyType(
    {
        "512": C.ARTS_ENTERTAINMENT,  # motion picture and sound recording
        "516": C.ARTS_ENTERTAINMENT,  # broadcasting and content providers
        "5132": C.TECHNOLOGY,  # software publishers
        "517": C.TECHNOLOGY,  # telecommunications
        "518": C.TECHNOLOGY,  # computing infrastructure, data processing, hosting
        "519": C.TECHNOLOGY,  # web search portals and other information services
        # Libraries and archives sit in 519 but are the cousins of museums (712).
        "519210": C.ARTS_ENTERTAINMENT,
        "5415": C.TECHNOLOGY,  # computer systems design and related services
        # Waste collection and remediation is not an office service.
        "562": C.GENERAL,
    }
)

# Experience category (education / workplace / skills, owned by the profile
# layer) -> NAICS categories to suggest, most likely first. From the seed:
# Education -> Education, Professional Services; Workplace -> Technology,
# Finance, Healthcare, etc.; Skills -> General fallback.
EXPERIENCE_SUGGESTIONS: Final[Mapping[str, tuple[Category, ...]]] = MappingProxyType(
    {
        "education": (C.EDUCATION, C.PROFESSIONAL_SERVICES),
        "workplace": (
            C.TECHNOLOGY,
            C.FINANCE,
            C.HEALTHCARE,
            C.PROFESSIONAL_SERVICES,
            C.MANUFACTURING,
            C.RETAIL,
            C.HOSPITALITY,
            C.CONSTRUCTION,
            C.TRANSPORTATION,
            C.EDUCATION,
            C.AGRICULTURE,
            C.ARTS_ENTERTAINMENT,
            C.PUBLIC_ADMINISTRATION,
            C.GENERAL,
        ),
        "skills": (C.GENERAL,),
    }
)


def category_for(code: str) -> Category:
    """The import category of a NAICS code (any valid spelling)."""
    code = canonical_code(code)
    for length in range(len(code), 2, -1):
        override = PREFIX_CATEGORIES.get(code[:length])
        if override is not None:
            return override
    return SECTOR_CATEGORIES.get(sector_of(code), C.GENERAL)


def suggested_categories(experience_category: str) -> list[Category]:
    """NAICS categories to suggest for an experience category; general if unknown."""
    return list(EXPERIENCE_SUGGESTIONS.get(experience_category.strip().lower(), (C.GENERAL,)))


def parse_category(raw: str) -> Category:
    """A category from user text, case-insensitive; ValueError lists the valid ones."""
    value = raw.strip().lower()
    try:
        return Category(value)
    except ValueError:
        valid = ", ".join(c.value for c in Category)
        raise ValueError(f"category '{raw.strip()}' is not one of: {valid}") from None
