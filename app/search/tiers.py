"""The NAICS relevance tiers as data: the one definition every back end reads.

A hit is scored by the best tier it matches; the API shows that tier's score and
name and never a raw engine score. Each tier names a *rule* (how it matches) and the
*field* it matches on; the OpenSearch builder (app.search.naics_queries), the PostgreSQL
fallback (app.repositories.naics_search_pg) and the in-memory autocomplete index
(app.search.typeahead) each translate rules into their own clauses while walking
:data:`TIERS` in order, so a name, a score or the order of two tiers changes here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Rule(StrEnum):
    """How a tier matches; each back end has one translation per rule."""

    EXACT_CODE = "exact_code"  # the code-like query is the row's code (or a hidden sector number)
    CODE_PREFIX = "code_prefix"  # the row's code starts with the code-like query
    LISTED_CODE = "listed_code"  # a 6-digit query is in a list of the row's source codes (field)
    SIC_CODE = "sic_code"  # a "SIC 7372" query: the SIC code is in the row's sic_codes (field)
    EXACT = "exact"  # the folded query text equals the field (or one element of it)
    PREFIX = "prefix"  # the field starts with the query text (last word may be partial)
    CONTAINS = "contains"  # every query word starts a word of the field
    FUZZY = "fuzzy"  # every query word is within its edit budget of a word of the row
    SOME_WORDS = "some_words"  # half the content words start a word of the row


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    score: int
    rule: Rule | None = None
    # The document field the rule applies to: "title", "aliases", "keywords", "description",
    # or for code rules "code", "former_codes", "sic_codes". None for the broad rules.
    field: str | None = None
    # For tiers that answer a foreign or former code: the scheme shown in `source_code`.
    source_scheme: str | None = None


# Ordered best first. Only the code tiers need a code-like query.
TIERS: tuple[Tier, ...] = (
    Tier("exact_code", 100, Rule.EXACT_CODE, "code"),
    # A NAICS 2017 code that changed answers its 2022 successors (docs/search-relevance.md).
    Tier("former_code", 95, Rule.LISTED_CODE, "former_codes", "naics2017"),
    # "SIC 7372" answers the NAICS codes the SIC code maps to.
    Tier("sic_code", 93, Rule.SIC_CODE, "sic_codes", "sic"),
    Tier("code_prefix", 90, Rule.CODE_PREFIX, "code"),
    Tier("exact_title", 85, Rule.EXACT, "title"),
    Tier("title_prefix", 80, Rule.PREFIX, "title"),
    Tier("exact_alias", 75, Rule.EXACT, "aliases"),
    Tier("exact_keyword", 70, Rule.EXACT, "keywords"),
    Tier("title_contains", 60, Rule.CONTAINS, "title"),
    Tier("alias_contains", 55, Rule.CONTAINS, "aliases"),
    Tier("keyword_contains", 50, Rule.CONTAINS, "keywords"),
    Tier("description_contains", 40, Rule.CONTAINS, "description"),
    Tier("fuzzy", 30, Rule.FUZZY),
    # Not in the seed's table: at least half the query's content words start words of the
    # row. Without it a query with one word the catalogue never uses found nothing at all.
    Tier("some_words", 20, Rule.SOME_WORDS),
)

# Not a rule any back end evaluates: codes the learned classifier (app.naics.classifier) finds
# likely, listed after every rule tier's hits when those are fewer than asked for. Below
# some_words, so the tier contract holds: a rule match always ranks above a guess.
CLASSIFIER_TIER = Tier("classifier", 10)
# Not a rule either: what a listing without a query shows in place of a tier (every row, in
# code order).
BROWSE = Tier("browse", 0)

TIER_BY_NAME: dict[str, Tier] = {t.name: t for t in TIERS}
# The loosest tiers, and the costliest to evaluate (edit-distance automata, prefixes of
# every content word over every field). Autocomplete searches them only when the
# stronger tiers find nothing.
BROAD_RULES: frozenset[Rule] = frozenset({Rule.FUZZY, Rule.SOME_WORDS})
BROAD_TIERS: frozenset[str] = frozenset(t.name for t in TIERS if t.rule in BROAD_RULES)
CODE_RULES: frozenset[Rule] = frozenset({Rule.EXACT_CODE, Rule.CODE_PREFIX, Rule.LISTED_CODE, Rule.SIC_CODE})
# Text fields in tier order of their contains tier, and the tier per (rule, field).
TEXT_FIELDS: tuple[str, ...] = tuple(t.field for t in TIERS if t.rule is Rule.CONTAINS and t.field)


# The engine score of a hit is tier.score * TIER_WEIGHT + LIKELY_WEIGHT (for the codes the
# service names as the classifier's likeliest) + COVERAGE_WEIGHT * (content words the row
# has, for queries of two or more) + text relevance (BM25). The smallest gap between two
# tiers is 2 points (former_code 95 / sic_code 93, only code queries, which have neither
# coverage nor likely codes), else 5 (60/55, 55/50), i.e. 5000 here, which LIKELY_WEIGHT plus
# coverage (at most 8 words, 800) plus BM25 over a handful of short fields never reaches;
# BM25 stays far below one COVERAGE_WEIGHT. So sorting by the engine score orders by tier,
# then the likely codes first, then by coverage, then by relevance.
TIER_WEIGHT = 1000
COVERAGE_WEIGHT = 100
LIKELY_WEIGHT = 1000


def tier_for_engine_score(engine_score: float) -> Tier | None:
    """The tier whose band contains an engine score (best tier not above it).

    Taking the highest tier whose base is <= the score, rather than an exact
    floor division match, stays right even if relevance ever exceeded 1000.
    """
    for tier in TIERS:
        if engine_score >= tier.score * TIER_WEIGHT:
            return tier
    return None
