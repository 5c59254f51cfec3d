"""The NAICS relevance tiers as data.

A hit is scored by the best tier it matches; the API shows that tier's score and
name and never a raw engine score. The OpenSearch builder and the PostgreSQL
fallback both read this table, so the numbers live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    score: int


# Ordered best first. Only the two code tiers need a code-like query.
TIERS: tuple[Tier, ...] = (
    Tier("exact_code", 100),
    Tier("code_prefix", 90),
    Tier("exact_title", 85),
    Tier("title_prefix", 80),
    Tier("exact_alias", 75),
    Tier("exact_keyword", 70),
    Tier("title_contains", 60),
    Tier("alias_contains", 55),
    Tier("keyword_contains", 50),
    Tier("description_contains", 40),
    Tier("fuzzy", 30),
    # Not in the seed's table: at least half the query's content words start words of the
    # row. Without it a query with one word the catalogue never uses found nothing at all.
    Tier("some_words", 20),
)

# Not a rule any back end evaluates: codes the learned classifier (app.naics.classifier) finds
# likely, listed after every rule tier's hits when those are fewer than asked for. Below
# some_words, so the tier contract holds: a rule match always ranks above a guess.
CLASSIFIER_TIER = Tier("classifier", 10)

TIER_BY_NAME: dict[str, Tier] = {t.name: t for t in TIERS}
# The loosest tiers, and the costliest to evaluate (edit-distance automata, prefixes of
# every content word over every field). Autocomplete searches them only when the
# stronger tiers find nothing.
BROAD_TIERS: frozenset[str] = frozenset({"fuzzy", "some_words"})
CODE_TIERS: frozenset[str] = frozenset({"exact_code", "code_prefix"})

# The engine score of a hit is tier.score * TIER_WEIGHT + COVERAGE_WEIGHT * (content
# words the row has, for queries of two or more) + text relevance (BM25). The smallest
# gap between two tiers is 5 points (60/55, 55/50), i.e. 5000 here, which coverage (at
# most 8 words, 800) plus BM25 over a handful of short fields never reaches; BM25 stays
# far below one COVERAGE_WEIGHT. So sorting by the engine score orders by tier, then by
# coverage, then by relevance.
TIER_WEIGHT = 1000
COVERAGE_WEIGHT = 100


def tier_for_engine_score(engine_score: float) -> Tier | None:
    """The tier whose band contains an engine score (best tier not above it).

    Taking the highest tier whose base is <= the score, rather than an exact
    floor division match, stays right even if relevance ever exceeded 1000.
    """
    for tier in TIERS:
        if engine_score >= tier.score * TIER_WEIGHT:
            return tier
    return None
