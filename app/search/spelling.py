"""Did-you-mean: one typo per word, corrected against the catalogue's own vocabulary.

A query whose cheap tiers find nothing is looked at word by word: a word the catalogue does
not use (for the last word, that no catalogue word starts with, since it may still be being
typed) is replaced by the catalogue word one typo away from it: a letter dropped, doubled
(inserted), swapped with its neighbour or wrong. Among several, the correction chosen is:

1. a content word before a stop word ("fod bank" is "food bank", not "for bank");
2. the one the catalogue writes next to the query's neighbouring words, as they stand in
   the query ("fsat food" is "fast food", not "fat food" or "flat food");
3. the one the catalogue writes beside more of the query's other words, in the same code
   ("pet grooing" is "pet grooming", not the commoner "pet growing"), then in more codes
   ("shoe stoe" is "shoe store", not "shoe stone");
4. one that keeps the word's first letter, which people rarely get wrong ("mtel" is "motel",
   not "tel");
5. a whole word before the start of one, for the last word ("mtel" is "motel", not the start
   of "melons"; "denist" is "dentist", not the start of "density");
6. the one that sits in the best field (title above aliases and keywords above description,
   the weights of the engine's RELEVANCE_FIELDS), counting every word of its root, as the
   tiers do ("lawer" is "lawyer", matching the title's "Lawyers", not the keyword "laser");
7. the most common in that field, then the alphabetically first, so the answer never
   depends on code order.

Compounds the catalogue writes as two words count as words ("bokstore" is "bookstore", which
the tiers search as "book stores"), and the abbreviations of app.search.wording are never
corrected. The corrected query is then
searched through the ordinary tiers, so its hits rank by where they matched and by how many
of its words they hold, and the response says which query answered (``corrected_query``).

Built from the same documents as the autocomplete index (build_naics_document), so every
back end searches the same corrected text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from string import ascii_lowercase
from typing import Any

from app.search.text import STOP_WORDS, normalise_text
from app.search.wording import ABBREVIATIONS, compound_splits, root

# Where the phrases people type are written (the pairs of words a correction may form).
PHRASE_FIELDS: tuple[str, ...] = ("title_norm", "aliases_norm", "keywords_norm")
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


def _texts(value: Any) -> list[str]:
    if not value:
        return []
    return [normalise_text(text) for text in ([value] if isinstance(value, str) else value)]


def _words(value: Any) -> list[str]:
    return [w for text in _texts(value) for w in text.split()]


def _pair(first: str, second: str) -> str:
    # By roots: "shoe stoe" finds "shoe stores". One string, not a tuple: a third of the memory.
    return f"{root(first)} {root(second)}"


@dataclass(frozen=True, slots=True)
class Correction:
    original: str
    corrected: str
    # The correction's field weight and how many codes use it there: why it was chosen.
    weight: int
    frequency: int
    # How many of the query's other words the catalogue writes in a code with the correction.
    context: int = 0


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
        # word -> the documents using it, as a bit set (document n is bit n): which words the
        # catalogue writes together, for a correction's context.
        self.documents: dict[str, int] = {}
        # Consecutive words of titles, aliases and keywords (not descriptions: phrases people
        # type), by root.
        self.pairs: set[str] = set()
        for n, doc in enumerate(documents):
            for field in PHRASE_FIELDS:
                for text in _texts(doc.get(field)):
                    self.pairs.update(_pair(a, b) for a, b in pairwise(text.split()))
            seen: dict[str, int] = {}
            for field, weight in FIELD_WEIGHTS.items():
                for word in _words(doc.get(field)):
                    if weight > seen.get(word, 0):
                        seen[word] = weight
            for word, weight in seen.items():
                per_weight = counts.setdefault(word, {})
                per_weight[weight] = per_weight.get(weight, 0) + 1
                self.documents[word] = self.documents.get(word, 0) | (1 << n)
        # word -> (best weight, codes using it with that weight)
        self.words: dict[str, tuple[int, int]] = {}
        self.prefixes: dict[str, tuple[int, int]] = {}
        for word, per_weight in counts.items():
            if word.isdigit():
                continue
            best = max(per_weight)
            self.words[word] = (best, per_weight[best])
        for joined, (first, second) in compound_splits().items():
            # A compound ranks as its weaker part, where both parts are written together.
            whole = joined == first + second  # not "shipbuild", the join of a root
            if whole and joined not in self.words and first in self.words and second in self.words:
                self.words[joined] = min(self.words[first], self.words[second])
                self.documents[joined] = self.documents[first] & self.documents[second]
        for word in list(self.words):
            # The singular of a plural the catalogue writes ("motels" -> "motel", "bookstores"
            # -> "bookstore"): a word too.
            single = word[:-1]
            if word.endswith("s") and root(word) == single and single not in self.words:
                self.words[single] = self.words[word]
                self.documents[single] = self.documents[word]
        # The tiers compare roots, so a word matches wherever any word of its root is written:
        # "lawyer" (a keyword once) ranks as the title's "Lawyers", and "lawer" is "lawyer",
        # not the commoner keyword "laser".
        by_root: dict[str, tuple[int, int]] = {}
        for word, rank in self.words.items():
            key = root(word)
            by_root[key] = max(rank, by_root.get(key, (0, 0)))
        self.words = {word: by_root[root(word)] for word in self.words}
        for word, rank in self.words.items():
            for n in range(MIN_PREFIX_LENGTH, len(word)):
                if rank > self.prefixes.get(word[:n], (0, 0)):
                    self.prefixes[word[:n]] = rank

    def _known(self, word: str, *, last: bool) -> bool:
        return word in self.words or word in ABBREVIATIONS or (last and word in self.prefixes)

    def correct_word(
        self,
        word: str,
        *,
        last: bool,
        context: Iterable[str] = (),
        before: str | None = None,
        after: str | None = None,
    ) -> Correction | None:
        """The best one-typo correction of a word the catalogue does not know, or None.

        context: the query's other words, the ones the catalogue knows; before and after: the
        query's words on either side of this one, when the catalogue knows them (module
        docstring).
        """
        if len(word) < MIN_CORRECTED_LENGTH or word.isdigit() or self._known(word, last=last):
            return None
        neighbours = [self.documents[w] for w in context if w not in STOP_WORDS and w in self.documents]
        ranked: list[tuple[bool, int, int, int, bool, int, int, int, str]] = []
        for candidate in one_typo_away(word):
            rank = self.words.get(candidate)
            partial = 0
            if rank is None and last and candidate in self.prefixes:
                rank, partial = self.prefixes[candidate], 1
            if rank is None:
                continue
            # A prefix has no documents of its own here: it only ever wins without context.
            together = self.documents.get(candidate, 0) if not partial else 0
            overlaps = [(documents & together).bit_count() for documents in neighbours]
            shared = sum(1 for n in overlaps if n)
            phrases = (before is not None and _pair(before, candidate) in self.pairs) + (
                after is not None and _pair(candidate, after) in self.pairs
            )
            ranked.append(
                (
                    candidate in STOP_WORDS,
                    -phrases,
                    -shared,
                    -sum(overlaps),
                    candidate[0] != word[0],
                    partial,
                    -rank[0],
                    -rank[1],
                    candidate,
                )
            )
        if not ranked:
            return None
        # In the module docstring's order.
        _, _, shared, _, _, _, weight, frequency, corrected = min(ranked)
        return Correction(word, corrected, -weight, -frequency, -shared)

    def spelled(self, words: tuple[str, ...]) -> frozenset[str]:
        """The words the catalogue uses as written (the last one may be the start of one)."""
        last = len(words) - 1
        return frozenset(w for i, w in enumerate(words) if self._known(w, last=i == last))

    def correct(self, words: tuple[str, ...]) -> CorrectedQuery | None:
        """The query with each unknown word corrected; None when nothing was corrected."""
        out: list[str] = []
        corrections: list[Correction] = []
        known = self.spelled(words)
        for i, word in enumerate(words):
            context = [w for j, w in enumerate(words) if j != i and w in known]
            before = words[i - 1] if i > 0 and words[i - 1] in known else None
            after = words[i + 1] if i + 1 < len(words) and words[i + 1] in known else None
            fix = self.correct_word(
                word, last=i == len(words) - 1, context=context, before=before, after=after
            )
            out.append(fix.corrected if fix else word)
            if fix:
                corrections.append(fix)
        return CorrectedQuery(tuple(out), tuple(corrections)) if corrections else None
