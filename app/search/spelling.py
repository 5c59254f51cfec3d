"""Did-you-mean: one typo per word, corrected against the catalogue's own vocabulary.

A query whose cheap tiers find nothing is looked at word by word: a word the catalogue does
not use (for the last word, that no catalogue word starts with, since it may still be being
typed) is replaced by the catalogue word one typo away from it: a letter dropped, doubled
(inserted), swapped with its neighbour or wrong. Among several, the correction chosen is the
one that sits in the best field (title above aliases and keywords above description, the
weights of the engine's RELEVANCE_FIELDS), then a whole word before the start of one (for
the last word), then the most common in that field, then the alphabetically first, so the
answer never depends on code order. The corrected query is then
searched through the ordinary tiers, so its hits rank by where they matched and by how many
of its words they hold, and the response says which query answered (``corrected_query``).

Built from the same documents as the autocomplete index (build_naics_document), so every
back end searches the same corrected text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from string import ascii_lowercase
from typing import Any

from app.search.text import normalise_text

# Shorter words are too ambiguous to correct: "ca" is one typo from dozens of words.
MIN_CORRECTED_LENGTH = 3
# Prefixes of catalogue words indexed for the last word (a typo while typing, "restua").
MIN_PREFIX_LENGTH = 3
# Field weights in the order of preference (app.search.naics_queries.RELEVANCE_FIELDS), over
# the documents' normalised fields (words as written, never roots).
FIELD_WEIGHTS: Mapping[str, int] = {
    "title_norm": 3,
    "aliases_norm": 2,
    "keywords_norm": 2,
    "description": 1,
}


def _words(value: Any) -> list[str]:
    if not value:
        return []
    texts = [value] if isinstance(value, str) else value
    return [w for text in texts for w in normalise_text(text).split()]


@dataclass(frozen=True, slots=True)
class Correction:
    original: str
    corrected: str
    # The correction's field weight and how many codes use it there: why it was chosen.
    weight: int
    frequency: int


@dataclass(frozen=True, slots=True)
class CorrectedQuery:
    words: tuple[str, ...]
    corrections: tuple[Correction, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def one_typo_away(word: str) -> set[str]:
    """Every string one letter dropped, inserted (doubled), swapped or replaced away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in ascii_lowercase}
    out |= {a + c + b for a, b in splits for c in ascii_lowercase}
    out.discard(word)
    return out


class Speller:
    """The catalogue's words, each with its best field weight and frequency there."""

    def __init__(self, documents: Iterable[Mapping[str, Any]]) -> None:
        counts: dict[str, dict[int, int]] = {}
        for doc in documents:
            seen: dict[str, int] = {}
            for field, weight in FIELD_WEIGHTS.items():
                for word in _words(doc.get(field)):
                    if weight > seen.get(word, 0):
                        seen[word] = weight
            for word, weight in seen.items():
                per_weight = counts.setdefault(word, {})
                per_weight[weight] = per_weight.get(weight, 0) + 1
        # word -> (best weight, codes using it with that weight)
        self.words: dict[str, tuple[int, int]] = {}
        self.prefixes: dict[str, tuple[int, int]] = {}
        for word, per_weight in counts.items():
            if word.isdigit():
                continue
            best = max(per_weight)
            rank = (best, per_weight[best])
            self.words[word] = rank
            for n in range(MIN_PREFIX_LENGTH, len(word)):
                if rank > self.prefixes.get(word[:n], (0, 0)):
                    self.prefixes[word[:n]] = rank

    def _known(self, word: str, *, last: bool) -> bool:
        return word in self.words or (last and word in self.prefixes)

    def correct_word(self, word: str, *, last: bool) -> Correction | None:
        """The best one-typo correction of a word the catalogue does not know, or None."""
        if len(word) < MIN_CORRECTED_LENGTH or word.isdigit() or self._known(word, last=last):
            return None
        ranked: list[tuple[int, int, str]] = []
        for candidate in one_typo_away(word):
            rank = self.words.get(candidate)
            if rank is not None:
                ranked.append((-rank[0], 0, -rank[1], candidate))
            elif last and candidate in self.prefixes:
                rank = self.prefixes[candidate]
                ranked.append((-rank[0], 1, -rank[1], candidate))
        if not ranked:
            return None
        # Highest weight; then a whole word before a prefix of one ("denist" is "dentist", not
        # the start of "density"; "softwarr" is "software", not "softwar"); then frequency; then
        # alphabetical for a stable answer.
        weight, _, frequency, corrected = min(ranked)
        return Correction(word, corrected, -weight, -frequency)

    def correct(self, words: tuple[str, ...]) -> CorrectedQuery | None:
        """The query with each unknown word corrected; None when nothing was corrected."""
        out: list[str] = []
        corrections: list[Correction] = []
        for i, word in enumerate(words):
            fix = self.correct_word(word, last=i == len(words) - 1)
            out.append(fix.corrected if fix else word)
            if fix:
                corrections.append(fix)
        return CorrectedQuery(tuple(out), tuple(corrections)) if corrections else None
