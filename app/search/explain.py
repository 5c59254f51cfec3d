"""What `explain=true` shows per hit, and the hook that orders hits inside a tier.

A hit's explanation names its tier and field, the query words that tier compared (the roots
for the word-start tiers), every correction, folding and rewrite applied to the query, and
the signals that ordered it inside its tier. The ``learned`` signal is filled by a
:data:`WithinTierSignal` when the service has one (services.naics_classifier builds one per
query from the learned classifier); the back ends' own tie-breaks (engine relevance,
PostgreSQL rank) are shown beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from app.search.spelling import CorrectedQuery
from app.search.text import PreparedQuery
from app.search.tiers import BROAD_RULES, CODE_RULES, Rule, Tier

# code -> a score for the query at hand; higher first. Orders hits that share a tier, never
# across tiers.
WithinTierSignal = Callable[[str], float]


class Folding(msgspec.Struct, frozen=True):
    # "inflection" (word -> root), "rewrite" (abbreviation, symbol or compound), "generic_words"
    # (the query without "company", "firm"...: app.search.wording.GENERIC_WORDS)
    kind: str
    source: str = msgspec.field(name="from")
    target: str = msgspec.field(name="to")


class WordCorrection(msgspec.Struct, frozen=True):
    source: str = msgspec.field(name="from")
    target: str = msgspec.field(name="to")
    field_weight: int = 0
    frequency: int = 0
    # How many of the query's other words the catalogue writes beside the correction.
    context_words: int = 0


class Explain(msgspec.Struct, frozen=True):
    tier: str
    field: str | None
    matched_words: list[str]
    corrections: list[WordCorrection]
    foldings: list[Folding]
    signals: dict[str, Any]


def query_foldings(prepared: PreparedQuery) -> list[Folding]:
    """Every folding applied to the query: roots of its words and its other forms."""
    out: list[Folding] = []
    for form in prepared.forms:
        for word, root in zip(form.words, form.roots, strict=True):
            folding = Folding("inflection", word, root)
            if root != word and folding not in out:
                out.append(folding)
    for form in prepared.forms[1:]:
        kind = "rewrite" if form.prefix else "generic_words"
        out.append(Folding(kind, prepared.forms[0].text, form.text))
    return out


def matched_words(tier: Tier, prepared: PreparedQuery) -> list[str]:
    if tier.rule in CODE_RULES:
        return [c for c in (prepared.sic_code if tier.rule is Rule.SIC_CODE else prepared.raw_code,) if c]
    if tier.rule is Rule.CONTAINS or tier.rule in BROAD_RULES:
        return list(dict.fromkeys(r for form in prepared.forms for r in form.roots))
    # The prefix tier does not take every form (QueryForm.prefix): name only those it compared.
    forms = prepared.prefix_forms if tier.rule is Rule.PREFIX else prepared.forms
    return [form.text for form in forms]


def explain_hit(
    tier: Tier,
    prepared: PreparedQuery,
    corrected: CorrectedQuery | None,
    signals: dict[str, Any],
) -> Explain:
    corrections = [
        WordCorrection(c.original, c.corrected, c.weight, c.frequency, c.context)
        for c in (corrected.corrections if corrected else ())
    ]
    return Explain(
        tier=tier.name,
        field=tier.field,
        matched_words=matched_words(tier, prepared),
        corrections=corrections,
        foldings=query_foldings(prepared),
        signals=signals,
    )


def order_within_tiers(items: Sequence[Any], signal: WithinTierSignal | None) -> list[Any]:
    """Items (with `score` and `code`) reordered inside each tier by the signal, highest first.

    Stable: equal signals keep the back end's order, and tiers never mix.
    """
    if signal is None:
        return list(items)
    return sorted(items, key=lambda item: (-item.score, -signal(item.code)))
