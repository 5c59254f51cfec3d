"""OpenSearch side of the search service: index definitions and pure query builders.

Nothing here talks to a cluster: builders return request bodies (dicts) and
parsers take response dicts, so the same code serves AsyncOpenSearch in the
service, the sync client in tests and tools, and documents the exact semantics
the PostgreSQL fallback mirrors (see ``text`` and ``tiers``).
"""

from app.search.definitions import (
    INDEX_KINDS,
    IndexDefinition,
    alias_name,
    load_definition,
    physical_index_name,
    physical_index_pattern,
)
from app.search.experience_query import (
    EXPERIENCE_FACETS,
    ExperienceHit,
    ExperienceSearchResult,
    build_experience_document,
    build_experience_search,
    parse_experience_response,
)
from app.search.facets import FacetBucket, FacetSpec
from app.search.naics_query import (
    NAICS_FACETS,
    NaicsHit,
    NaicsSearchResult,
    build_naics_document,
    build_naics_search,
    parse_naics_response,
)
from app.search.text import normalise_text, prepare_query, tokenise
from app.search.tiers import TIERS, Tier

__all__ = [
    "EXPERIENCE_FACETS",
    "INDEX_KINDS",
    "NAICS_FACETS",
    "TIERS",
    "ExperienceHit",
    "ExperienceSearchResult",
    "FacetBucket",
    "FacetSpec",
    "IndexDefinition",
    "NaicsHit",
    "NaicsSearchResult",
    "Tier",
    "alias_name",
    "build_experience_document",
    "build_experience_search",
    "build_naics_document",
    "build_naics_search",
    "load_definition",
    "normalise_text",
    "parse_experience_response",
    "parse_naics_response",
    "physical_index_name",
    "physical_index_pattern",
    "prepare_query",
    "tokenise",
]
