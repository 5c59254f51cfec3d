"""The learned NAICS signal: free text -> likeliest 6-digit codes, and ordering inside a tier.

Each API process holds one app.naics.classifier.NaicsClassifier, trained from PostgreSQL's
catalogue at start-up and again in the background whenever the catalogue's version moves
(an import, an edit, a reindex of changed rows), like the autocomplete index
(services.catalogue_models). Until the first model is trained, searches keep the engine's own
order inside each tier and classify answers no suggestions.

How it ranks (docs/search-ranking.md): the tiers stay the first key, so a hit of a higher tier
never ranks below a hit of a lower one; inside a tier (and, for the broad tiers, among hits
holding as many of the query's words) the code the classifier finds likelier goes first
(:func:`learned_signal`, plugged into app.search.explain's within-tier hook). When the tiers
find fewer hits than asked for, the likeliest codes not already listed fill the first page as
the ``classifier`` tier, below every rule tier (:func:`learned_fill`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.metrics import CLASSIFIER_BUILDS
from app.naics.classifier import CLASSIFIED_LEVEL, MIN_GUESS_SCORE, Assessment, NaicsClassifier, Suggestion
from app.naics.codes import sector_of
from app.schemas.experiences import ExperienceResponse
from app.schemas.naics import NaicsSuggestion
from app.schemas.naics_search import ClassifyResponse
from app.search.explain import WithinTierSignal
from app.search.text import PreparedQuery
from app.services.catalogue_models import CatalogueModel
from app.services.search_input import InvalidSearchInput

# Longest text classify takes: an experience's title, organization and description fit.
MAX_CLASSIFY_TEXT = 5000
SUGGESTIONS = 5
# Hits reordered by the learned signal: the first this many in tier order. Beyond them the
# engine's order stands (the signal is for the first pages a person reads).
RERANK_WINDOW = 50
# The classifier's likeliest codes for a search, which the back end ranks first inside their
# tier (tiers.LIKELY_WEIGHT) so that the window above holds them. A tier can hold hundreds of
# codes (every one holding "manufacturing" or "merchant wholesalers"), and its first 50 by
# coverage and BM25 often missed the one the classifier was sure of. Development split
# (1,000 items): recall@10 0.935 -> 0.939 with 10, 0.941 with 30; as typed 0.706 -> 0.719 with 30.
LIKELY_CODES = 30
# Inside a broad tier, the classifier's confidence (0..1) counts as up to this many of the
# query's words: a code it is sure of goes above one holding a single word more, a guess it
# is unsure of does not. Chosen on the development split (docs/search-ranking.md): held-out
# style recall@1 0.722 with 1 (a word always won), 0.733 with 2, 0.730 with 4.
LEARNED_WEIGHT = 2


class Classifier(CatalogueModel[NaicsClassifier]):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], refresh_seconds: float) -> None:
        super().__init__(sessions, refresh_seconds, NaicsClassifier, "NAICS classifier")

    async def _build(self) -> NaicsClassifier:
        model = await super()._build()
        CLASSIFIER_BUILDS.inc()
        return model


def warm_classifier(app: Any) -> contextlib.AbstractAsyncContextManager[None]:
    """Train the classifier at start-up (a create_app background task)."""
    classifier: Classifier = app.state.classifier
    return classifier.warm()


def check_classify_text(text: str | None, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidSearchInput(field, f"{field} must not be blank")
    if len(text) > MAX_CLASSIFY_TEXT:
        raise InvalidSearchInput(
            field, f"{field} must be at most {MAX_CLASSIFY_TEXT} characters (got {len(text)})"
        )
    return text


def _suggestions(found: Sequence[Suggestion]) -> list[NaicsSuggestion]:
    return [NaicsSuggestion(s.code, s.title, s.confidence) for s in found]


async def classify(classifier: Classifier, text: str | None) -> ClassifyResponse:
    """The SUGGESTIONS likeliest 6-digit codes for free text (422 on blank or oversized text)."""
    text = check_classify_text(text)
    model = await classifier.current()
    return ClassifyResponse(_suggestions(model.suggest(text, SUGGESTIONS) if model else []))


async def suggestions_for(classifier: Classifier | None, *texts: str | None) -> list[NaicsSuggestion]:
    """Suggestions for an experience's own words (title, organization, description); [] when
    there is nothing to go on or no model yet."""
    text = " ".join(t.strip() for t in texts if t and t.strip())[:MAX_CLASSIFY_TEXT]
    model = await classifier.current(wait=False) if classifier is not None and text else None
    return _suggestions(model.suggest(text, SUGGESTIONS)) if model else []


async def with_suggestions(classifier: Classifier | None, response: ExperienceResponse) -> ExperienceResponse:
    """An experience without a (known) code gets ``naics_suggestions`` from its own words."""
    if response.naics.classified:
        return response
    found = await suggestions_for(classifier, response.title, response.organization, response.description)
    return msgspec.structs.replace(response, naics_suggestions=found)


def assess_query(model: NaicsClassifier, text: str, *, per_keystroke: bool = False) -> Assessment:
    """The classifier's view of a search or autocomplete query, for ordering its hits."""
    # Per keystroke the centroids alone (NaicsClassifier.scores): a twentieth of the cost. The
    # last word of a query may be half typed: its likely completions count too.
    return model.assess(text, nearest=not per_keystroke, complete_last=True)


def likely_codes(assessment: Assessment, query: PreparedQuery) -> list[str]:
    """The LIKELY_CODES likeliest codes for a query with content words; none for a code or a
    query of stop words (whose n-grams say nothing about an industry)."""
    return assessment.likeliest(LIKELY_CODES) if query.content_words else []


def learned_signal(assessment: Assessment, coverage: Mapping[str, int] | None = None) -> WithinTierSignal:
    """The signal that orders hits inside a tier (app.search.explain's hook): the words of the
    query a row holds (``coverage``, the broad tiers' only count) plus LEARNED_WEIGHT times
    the classifier's confidence in the code for the query (0..1)."""
    held = coverage or {}

    def signal(code: str) -> float:
        return held.get(code, 0) + LEARNED_WEIGHT * assessment.confidence(code)

    return signal


def learned_fill(
    model: NaicsClassifier,
    query: PreparedQuery,
    listed: set[str],
    wanted: int,
    *,
    sectors: Sequence[str] = (),
    levels: Sequence[int] = (),
    categories: Sequence[str] = (),
    per_keystroke: bool = False,
) -> list[tuple[dict[str, Any], float]]:
    """Up to ``wanted`` likeliest codes not in ``listed`` that pass the filters: (item fields,
    confidence), for the classifier tier.

    Guessed from the query's content words only, like the some_words tier: "zzzz of the" must
    not list whatever "of the" resembles.
    """
    text = " ".join(query.content_words)
    if wanted <= 0 or not text or (levels and CLASSIFIED_LEVEL not in levels):
        return []
    out: list[tuple[dict[str, Any], float]] = []
    # A generous pool: filters may drop most of the likeliest codes.
    pool = wanted + len(listed) + (200 if sectors or categories else 0)
    found_codes = model.suggest(
        text, pool, min_score=MIN_GUESS_SCORE, nearest=not per_keystroke, complete_last=True
    )
    for found in found_codes:
        if len(out) >= wanted:
            break
        fields = model.item_fields(found.code)
        if found.code in listed:
            continue
        if sectors and sector_of(found.code) not in sectors:
            continue
        if categories and str(fields.get("category") or "") not in categories:
            continue
        out.append((fields, found.confidence))
    return out
