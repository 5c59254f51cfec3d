"""A BEACON-style baseline, written from the Census Bureau's published description of BEACON.

BEACON (Business Establishment Automated Classification of NAICS; public, CC0, in the
``uscensusbureau/BEACON`` repository) is described there as:

1. Text cleaning: lower case, numbers and punctuation out, stop words removed, words stemmed.
2. A dictionary of text that occurs in the cleaned training data: words, word combinations and
   full-length (exact) descriptions. Each entry has a NAICS distribution and a purity weight
   measuring how concentrated that distribution is.
3. Per type (word, word combination, exact description), a score for each code from the
   distributions of the entries the text contains, weighted by purity; the type scores are
   averaged into a relevance score between 0 and 100.

This module follows those steps; it shares no code with BEACON. Choices the description leaves
open, fixed before any measurement (never tuned on the held-out items): Snowball English stems,
scikit-learn's English stop words, word combinations = unordered pairs of distinct words of one
text, purity = the Herfindahl index of the distribution (1 when one code holds every use), and
a type no entry of which occurs in the text is left out of the average. It trains on exactly
what the service is given: the indexed items plus every code's title and description.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[a-z]+")
_STEMMER = snowballstemmer.stemmer("english")
TYPES = ("word", "combination", "exact")


def clean(text: str) -> list[str]:
    """Lower case, letters only, stop words out, stemmed: BEACON's cleaning step."""
    words = [w for w in _WORD.findall(text.casefold()) if w not in ENGLISH_STOP_WORDS]
    return list(_STEMMER.stemWords(words))


def features(words: list[str]) -> dict[str, set[str]]:
    """The dictionary entries a cleaned text holds, by type."""
    distinct = sorted(set(words))
    return {
        "word": set(distinct),
        "combination": {f"{a} {b}" for a, b in combinations(distinct, 2)},
        "exact": {" ".join(words)} if words else set(),
    }


class BeaconStyle:
    name = "beacon_style"

    def __init__(self, samples: Iterable[tuple[str, str]]) -> None:
        """samples: (code, text) pairs."""
        counts: dict[str, dict[str, Counter[str]]] = {t: defaultdict(Counter) for t in TYPES}
        for code, text in samples:
            for kind, entries in features(clean(text)).items():
                for entry in entries:
                    counts[kind][entry][code] += 1
        # entry -> (purity, [(code, share)])
        self.dictionary: dict[str, dict[str, tuple[float, list[tuple[str, float]]]]] = {}
        for kind in TYPES:
            table: dict[str, tuple[float, list[tuple[str, float]]]] = {}
            for entry, by_code in counts[kind].items():
                total = sum(by_code.values())
                shares = [(code, n / total) for code, n in by_code.items()]
                table[entry] = (sum(s * s for _, s in shares), shares)
            self.dictionary[kind] = table

    def relevance(self, text: str) -> dict[str, float]:
        """Code -> relevance 0..100 (codes no entry points at are absent)."""
        per_type: list[Mapping[str, float]] = []
        for kind, entries in features(clean(text)).items():
            scores: dict[str, float] = defaultdict(float)
            weight = 0.0
            for entry in entries:
                found = self.dictionary[kind].get(entry)
                if found is None:
                    continue
                purity, shares = found
                weight += purity
                for code, share in shares:
                    scores[code] += purity * share
            if weight:
                per_type.append({code: s / weight for code, s in scores.items()})
        if not per_type:
            return {}
        merged: dict[str, float] = defaultdict(float)
        for scores in per_type:
            for code, s in scores.items():
                merged[code] += 100 * s / len(per_type)
        return merged

    def top_codes(self, text: str, depth: int = 10) -> list[str]:
        ranked = sorted(self.relevance(text).items(), key=lambda kv: (-kv[1], kv[0]))
        return [code for code, _ in ranked[:depth]]
