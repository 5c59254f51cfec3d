"""Which 6-digit NAICS codes a free text most likely names, learned from the catalogue itself.

The Census index items are the Bureau's labelled examples of how people name industries; with
the titles, descriptions and aliases they are the training set. Each becomes one sample of its
code, vectorised by word 1-2 grams and character 2-5 grams inside words (TF-IDF, sublinear):
the character grams make misspellings, inflections and half-typed words still land near the
right code. A text is scored per code by the cosine to the code's centroid plus half the cosine
of its single most similar sample, so one index item that says exactly what was typed counts
even in a code with many other items.

The centroid is the code's samples summed, its description counting DESCRIPTION_WEIGHT times
(a code with dozens of index items otherwise has a centroid that is all items and no
description), then sharpened by a few rounds of drag-pushing: each short sample (title, alias,
index item) the centroids alone place in the wrong code is added once more to its own code's
sum and taken away from the code that won, so the centroids learn the words that tell close
codes apart. That is a perceptron's update on centroids: discriminative like a linear SVM, at
the cost of CENTROID_ROUNDS sparse products.

Model choice, measured on the development split (bench/relevance/classify_offline.py: a hash
bucket of the *indexed* items, never the benchmark's held-out items), 2-core machine, top-1 /
top-5: centroid + half the best sample 0.678 / 0.897; description weighted 8: 0.710 / 0.911;
then 3 drag-pushing rounds (step 0.5): 0.736 / 0.914. One-vs-rest LinearSVC had reached 0.71 /
0.94 but took about 3 minutes to train and SGD 7 minutes, where this trains in a few seconds.
Words a text excludes ("Lockers (except refrigerated)") are kept apart from what it names
(app.naics.exclusions). A wholesaler's text also scores the wholesale codes that trade its
product (app.naics.wholesale). The model is trained from what PostgreSQL holds whenever the catalogue
changes (services.catalogue_models); none is ever shipped.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from app.naics.codes import sector_of
from app.naics.exclusions import exclusion_parts, with_exclusions_as_words, without_exclusions
from app.naics.wholesale import WholesaleTransfer, wholesale_product
from app.search.naics_document import ITEM_FIELDS
from app.search.text import normalise_text
from app.search.wording import fold_text

# Weight of the best single sample beside the centroid (see the module docstring).
NEAREST_SAMPLE_WEIGHT = 0.5
# A description's weight in its code's centroid, against 1 for each title, alias and index item
# (development split: 1 -> 0.678 top-1, 3 -> 0.700, 8 -> 0.710, 12 -> 0.711, 20 -> 0.708).
DESCRIPTION_WEIGHT = 8.0
# Drag-pushing rounds and step (development split, top-1 after description weighting 0.710:
# 2 rounds 0.732, 3 rounds 0.736, 6 rounds 0.737; a step of 1.0 overshoots: 0.722).
CENTROID_ROUNDS = 3
CENTROID_STEP = 0.5
_CHECK_SLICE = 2048
# A half-typed last word stands for the COMPLETIONS commonest words it starts, together worth
# COMPLETION_WEIGHT of a word; not below MIN_COMPLETED_PREFIX letters (one or two letters start
# too many words to say anything). Development split, classifier alone, as-typed queries
# ("canola far") top-1 / top-10: none 0.196 / 0.602; 8 words x 1.0: 0.253 / 0.662; 4 x 1.5:
# 0.271 / 0.674; 4 x 2.0: 0.274 / 0.678 (but full texts lose 0.002); full texts unchanged at 1.5.
# A last word that is itself a word keeps a share as common as it is (the everyday set, classifier
# alone, top-1 0.846 -> 0.852; the dev split unchanged).
COMPLETIONS = 4
COMPLETION_WEIGHT = 1.5
MIN_COMPLETED_PREFIX = 3
# Softmax temperature turning similarity scores into confidences: a cosine gap of 0.1
# between two codes makes the first e^2 times likelier.
CONFIDENCE_SHARPNESS = 20.0
CLASSIFIED_LEVEL = 6
# A broader code (sector, subsector...) is as likely as the likeliest industry it holds, but it
# is a vaguer answer: inside a tier, with the same evidence, the industry itself should come
# first, and a chain of its ancestors (48, 493, 4931, 49311) must not fill a short list ahead of
# it. Half its best industry's confidence (the everyday set's keystroke share on a fresh install,
# measured in process: 1.0 -> 0.309, 0.9 -> 0.299, 0.5 -> 0.294).
BROADER_CODE_SHARE = 0.5
# What the word grams put before an excluded word (app.naics.exclusions).
EXCLUDED_MARK = "not_"
# Below this score a code is not listed for a query no rule tier matched: nonsense ("xyzzy",
# "1234") scores 0.07-0.13 on the Census catalogue, two-word industry names 0.3-0.7.
MIN_GUESS_SCORE = 0.25


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    title: str
    confidence: float


def training_texts(document: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The samples one catalogue row contributes: title, aliases, keywords, description, each
    with whether it is the description. The title's exclusion clause counts as its words
    (app.naics.exclusions.with_exclusions_as_words)."""
    texts = [(with_exclusions_as_words(str(document.get("title") or "")), False)]
    texts += [(str(a), False) for a in document.get("aliases") or []]
    texts += [(str(k), False) for k in document.get("keywords") or []]
    if document.get("description"):
        texts.append((str(document["description"]), True))
    return [(t, long) for t, long in ((" ".join(t.split()), long) for t, long in texts) if t]


def _drag_pushed(
    sums: sp.csr_matrix, matrix: sp.csr_matrix, owner: np.ndarray, short: np.ndarray
) -> sp.csr_matrix:
    """Centroid sums after CENTROID_ROUNDS of drag-pushing (see the module docstring) on the
    short samples; negative weights are dropped, so a centroid stays a bag of its own words."""
    shape = (sums.shape[0], matrix.shape[0])
    checked = matrix[short]
    for _ in range(CENTROID_ROUNDS):
        centroids = normalize(sums).T.tocsr()
        # In slices, each made dense before argmax: a sparse argmax over 14,000 x 1,000 scores
        # cost more than the product.
        won = np.concatenate(
            [
                (checked[i : i + _CHECK_SLICE] @ centroids).toarray().argmax(axis=1)
                for i in range(0, checked.shape[0], _CHECK_SLICE)
            ]
        )
        wrong = np.nonzero(won != owner[short])[0]
        if not wrong.size:
            break
        rows = short[wrong]
        step = np.full(wrong.size, CENTROID_STEP, dtype=np.float32)
        moves = sp.csr_matrix(
            (np.concatenate([step, -step]), (np.concatenate([owner[rows], won[wrong]]), np.tile(rows, 2))),
            shape=shape,
        )
        sums = (sums + moves @ matrix).tocsr()
        sums.data = np.maximum(sums.data, 0)
        sums.eliminate_zeros()
    return sums


def _folded(text: str) -> str:
    return fold_text(normalise_text(text))


def _word_text(text: str) -> str:
    """The text as the word grams read it: words by their roots, the excluded ones
    (app.naics.exclusions) marked as such: "lockers (except refrigerated)" -> "locker
    not_refrigerat". No typed text can hold the mark: normalising turns "_" into a space."""
    return " ".join(
        " ".join(EXCLUDED_MARK + word for word in _folded(part).split()) if excluded else _folded(part)
        for part, excluded in exclusion_parts(text)
    )


def _char_text(text: str) -> str:
    return without_exclusions(text).lower()


def _vectorisers() -> tuple[TfidfVectorizer, ...]:
    return (
        # Words by their roots, as the search tiers compare them ("pharmacy" and "Pharmacies").
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32, preprocessor=_word_text),
        # Excluded words dropped: their character grams would match the word itself.
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2,
            sublinear_tf=True,
            dtype=np.float32,
            preprocessor=_char_text,
        ),
    )


class _Features:
    """The fitted vectorisers, with a one-text path for per-keystroke use.

    sklearn's transform() validates and builds matrices for a batch: about 4 ms for one short
    text, most of a keystroke's budget. The same arithmetic (sublinear tf x idf, l2 per part,
    then l2 over both) on one text's few dozen terms takes a few microseconds in Python.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.parts = _vectorisers()
        blocks = [normalize(part.fit_transform(texts)) for part in self.parts]
        self.matrix = normalize(sp.hstack(blocks, format="csr")).astype(np.float32)
        self._lookups: list[tuple[Any, dict[str, int], np.ndarray, int]] = []
        offset = 0
        for part in self.parts:
            vocabulary: dict[str, int] = part.vocabulary_
            self._lookups.append((part.build_analyzer(), vocabulary, part.idf_.astype(np.float32), offset))
            offset += len(vocabulary)
        self.size = offset
        # The word part's single words, sorted, for completing a half-typed last word (never to
        # an excluded word: nobody types one).
        words = self.parts[0]
        self._words = sorted(t for t in words.vocabulary_ if " " not in t and EXCLUDED_MARK not in t)
        self._word_tokens = words.build_tokenizer()
        self._word_preprocess = words.build_preprocessor()
        # Typing repeats a half word over several keystrokes ("software p", "software pu").
        self._complete = lru_cache(maxsize=4096)(self._complete_uncached)

    def _word_terms(self, text: str, complete_last: bool) -> tuple[list[str], list[tuple[str, float]]]:
        """The word part's terms of a text (as its analyser makes them: words, then word pairs)
        and, with ``complete_last``, the terms its last word may be the start of, each with its
        share of one word: the COMPLETIONS commonest vocabulary words starting with it (by how
        many samples hold them), and the pairs they make with the word before."""
        tokens = self._word_tokens(self._word_preprocess(text))
        terms = tokens + [f"{a} {b}" for a, b in pairwise(tokens)]
        if not complete_last or not tokens or len(tokens[-1]) < MIN_COMPLETED_PREFIX:
            return terms, []
        return terms, self._complete(tokens[-2] if len(tokens) > 1 else "", tokens[-1])

    def _complete_uncached(self, previous: str, last: str) -> list[tuple[str, float]]:
        lo = bisect_left(self._words, last)
        hi = bisect_left(self._words, last + "\uffff", lo)
        vocabulary, idf = self._lookups[0][1], self._lookups[0][2]
        started = [w for w in self._words[lo:hi] if w != last]
        # After a word, the completions are the words the catalogue writes after it, as common
        # as the pair is ("apple orc": orchards, not the commonest "orc" word anywhere); words
        # it never writes there are not guessed. Development split, classifier alone, as typed,
        # top-1 / top-10: 0.259 / 0.664 -> 0.275 / 0.677; whole texts unchanged.
        if previous and (paired := [w for w in started if f"{previous} {w}" in vocabulary]):
            terms = {w: f"{previous} {w}" for w in paired}
        else:
            terms = {w: w for w in started}
        # Lowest idf = held by the most samples.
        found = heapq.nsmallest(COMPLETIONS, terms, key=lambda w: idf[vocabulary[terms[w]]])
        if not found:
            return []
        common = np.exp(-np.asarray([idf[vocabulary[terms[w]]] for w in found], dtype=np.float64))
        # A whole word as common as its completions keeps most of its weight ("bank" is rarely
        # the start of "bankruptcy"); a fragment that is no word ("far" of "farm") gives it all.
        itself = float(np.exp(-idf[vocabulary[last]])) if last in vocabulary else 0.0
        shares = COMPLETION_WEIGHT * common / (common.sum() + itself)
        out = [(w, float(share)) for w, share in zip(found, shares, strict=True)]
        if previous:
            out += [(f"{previous} {w}", share) for w, share in out if f"{previous} {w}" in vocabulary]
        return out

    def vector(self, text: str, *, complete_last: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, l2-normalised weights) of one text.

        complete_last: the last word may be half typed ("canola far"): the words it starts count
        too, together as much as COMPLETION_WEIGHT of one word.
        """
        indices: list[int] = []
        weights: list[np.ndarray] = []
        for part, (analyse, vocabulary, idf, offset) in enumerate(self._lookups):
            counts: dict[int, float] = {}
            # The word part's analyser would fold the text a second time for the completions.
            terms, completions = self._word_terms(text, complete_last) if part == 0 else (analyse(text), [])
            for term in terms:
                if (j := vocabulary.get(term)) is not None:
                    counts[j] = counts.get(j, 0) + 1
            for term, share in completions:
                j = vocabulary[term]
                counts[j] = counts.get(j, 0) + share
            if not counts:
                continue
            local = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            # Sublinear tf; a completion's fraction of a word stays a fraction.
            w = np.where(tf >= 1, 1.0 + np.log(np.maximum(tf, 1)), tf)
            w *= idf[local]
            weights.append(w / np.linalg.norm(w))
            indices.append(local + offset)
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        joined = np.concatenate(weights)
        return np.concatenate(indices), joined / np.linalg.norm(joined)


def _weighted_rows(matrix: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum(weights[k] * matrix[rows[k]]) as a dense vector: a text's few dozen n-gram rows.

    One gather and one bincount: slicing and transposing a sparse matrix per keystroke cost
    ten times more (about 5 ms against 0.5 ms under load).
    """
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(matrix.shape[1], dtype=np.float64)
    # Positions of every stored value of the chosen rows, row after row.
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    values = matrix.data[offsets] * np.repeat(weights, lengths)
    return np.bincount(matrix.indices[offsets], weights=values, minlength=matrix.shape[1])


class NaicsClassifier:
    """Scores every active 6-digit code for a text; immutable once trained."""

    def __init__(self, documents: Iterable[Mapping[str, Any]], version: Any = None) -> None:
        self.version = version
        codes: list[str] = []
        titles: list[str] = []
        texts: list[str] = []
        owners: list[int] = []
        descriptions: list[bool] = []
        # What an API item shows of each code, for hits only the classifier found.
        items: list[dict[str, Any]] = []
        # Code order: a broader code's 6-digit codes are then one contiguous run.
        for doc in sorted(documents, key=lambda d: str(d["code"])):
            if int(doc.get("level") or 0) != CLASSIFIED_LEVEL or not doc.get("is_active", True):
                continue
            samples = training_texts(doc)
            if not samples:
                continue
            owners += [len(codes)] * len(samples)
            texts += [text for text, _ in samples]
            descriptions += [long for _, long in samples]
            codes.append(str(doc["code"]))
            titles.append(str(doc.get("title") or ""))
            items.append({f: doc.get(f) for f in ITEM_FIELDS} | {"code": str(doc["code"])})
        self.codes = codes
        self.titles = titles
        self._items = items
        self.samples = len(texts)
        self._index = {code: i for i, code in enumerate(codes)}
        sectors: dict[str, list[int]] = {}
        for i, code in enumerate(codes):
            sectors.setdefault(sector_of(code), []).append(i)
        # Sectors 31-33, 44-45, 48-49 span several 2-digit prefixes.
        self._sector_rows = {sector: np.asarray(rows) for sector, rows in sectors.items()}
        self._transfer: WholesaleTransfer | None = None
        if not texts:
            self._features: _Features | None = None
            return
        self._features = _Features(texts)
        matrix = self._features.matrix
        owner = np.asarray(owners, dtype=np.int32)
        long = np.asarray(descriptions, dtype=bool)
        membership = sp.csr_matrix(
            (np.where(long, DESCRIPTION_WEIGHT, 1.0).astype(np.float32), (owner, np.arange(len(owners)))),
            shape=(len(codes), len(owners)),
        )
        sums = _drag_pushed((membership @ matrix).tocsr(), matrix, owner, np.nonzero(~long)[0])
        # Feature-major (one row per n-gram): a text's score is the sum of its few n-grams' rows.
        self._centroids = normalize(sums).astype(np.float32).T.tocsr()
        self._samples = matrix.T.tocsr()
        # A code's samples are contiguous: where each code's run starts, for a max per run.
        self._starts = np.searchsorted(owner, np.arange(len(codes))).astype(np.int64)
        self._features.matrix = sp.csr_matrix((0, 0))
        self._transfer = self._learn_transfer(texts, owner, long)

    def _learn_transfer(
        self, texts: Sequence[str], owner: np.ndarray, long: np.ndarray
    ) -> WholesaleTransfer | None:
        """What each wholesale code sells, from its short samples that name a product
        (app.naics.wholesale); None when the catalogue has no such sample."""
        transfer = WholesaleTransfer(self.codes, CONFIDENCE_SHARPNESS)
        learned = False
        for text, row, is_long in zip(texts, owner, long, strict=True):
            if is_long or not transfer.wholesale[row] or (product := wholesale_product(text)) is None:
                continue
            if (product_scores := self._similarity(product)).any():
                transfer.learn(int(row), product_scores)
                learned = True
        return transfer.finish() if learned else None

    @property
    def ready(self) -> bool:
        return self._features is not None

    def scores(self, text: str, *, nearest: bool = True, complete_last: bool = False) -> np.ndarray:
        """Similarity of the text to every code (self.codes order); zeros when untrained. A
        wholesaler's text also scores the wholesale codes that sell its product.

        nearest=False: the centroids alone, for per-keystroke use: the best-sample part touches
        every sample holding one of the text's n-grams (about 1.3 ms a keystroke against
        0.05 ms for the centroids, measured on a loaded 2-core machine).
        """
        scores = self._similarity(text, nearest=nearest, complete_last=complete_last)
        if self._transfer is None or (product := wholesale_product(text)) is None:
            return scores
        product_scores = self._similarity(product, nearest=nearest, complete_last=complete_last)
        if not product_scores.any():
            return scores
        return np.asarray(scores + self._transfer.scores(product_scores), dtype=np.float32)

    def _similarity(self, text: str, *, nearest: bool = True, complete_last: bool = False) -> np.ndarray:
        """The text's similarity to every code's centroid plus half its best sample's."""
        if self._features is None:
            return np.zeros(0, dtype=np.float32)
        indices, weights = self._features.vector(text, complete_last=complete_last)
        if not indices.size:
            return np.zeros(len(self.codes), dtype=np.float32)
        centroid = _weighted_rows(self._centroids, indices, weights)
        if not nearest:
            return np.asarray(centroid, dtype=np.float32)
        per_sample = _weighted_rows(self._samples, indices, weights)
        nearest = np.maximum.reduceat(per_sample, self._starts)
        return np.asarray(centroid + NEAREST_SAMPLE_WEIGHT * nearest, dtype=np.float32)

    def assess(self, text: str, *, nearest: bool = True, complete_last: bool = False) -> Assessment:
        """Every code's score and confidence for the text, computed once for many look-ups."""
        return Assessment(self, self.scores(text, nearest=nearest, complete_last=complete_last))

    def suggest(
        self,
        text: str,
        limit: int = 5,
        *,
        min_score: float = 0.0,
        nearest: bool = True,
        complete_last: bool = False,
    ) -> list[Suggestion]:
        """The ``limit`` likeliest codes, best first; only those scoring ``min_score`` or more."""
        return self.assess(text, nearest=nearest, complete_last=complete_last).suggest(
            limit, min_score=min_score
        )

    def item_fields(self, code: str) -> dict[str, Any]:
        """What an API item shows of a classified code."""
        return dict(self._items[self._index[code]])

    def row_of(self, code: str) -> int | None:
        """The row (self.codes order) of a classified 6-digit code."""
        return self._index.get(code)

    def rows_under(self, code: str) -> np.ndarray | slice | None:
        """The rows (self.codes order) of the 6-digit codes a code is or holds."""
        if (i := self._index.get(code)) is not None:
            return slice(i, i + 1)
        if len(code) == 2:
            return self._sector_rows.get(code)
        lo = bisect_left(self.codes, code)
        hi = bisect_left(self.codes, code + "\uffff", lo)
        return slice(lo, hi) if hi > lo else None


class Assessment:
    """One text's scores against every code, and what they imply."""

    def __init__(self, model: NaicsClassifier, scores: np.ndarray) -> None:
        self.model = model
        self.scores = scores
        if scores.size and scores.any():
            weights = np.exp(CONFIDENCE_SHARPNESS * (scores - scores.max()))
            self.confidences = np.asarray(weights / weights.sum(), dtype=np.float32)
        else:
            self.confidences = np.zeros(0, dtype=np.float32)

    def suggest(self, limit: int = 5, *, min_score: float = 0.0) -> list[Suggestion]:
        if not self.confidences.size:
            return []
        # Stable on ties: equal confidences keep code order.
        best = np.argsort(-self.confidences, kind="stable")[:limit]
        codes, titles = self.model.codes, self.model.titles
        return [
            Suggestion(codes[i], titles[i], round(float(self.confidences[i]), 4))
            for i in best
            if self.scores[i] >= min_score
        ]

    def likeliest(self, limit: int) -> list[str]:
        """The ``limit`` likeliest codes the text says anything about (score above 0), best
        first: none for a text whose n-grams the catalogue never writes."""
        if not self.confidences.size:
            return []
        best = np.argsort(-self.scores, kind="stable")[:limit]
        return [self.model.codes[i] for i in best if self.scores[i] > 0]

    def confidence(self, code: str) -> float:
        """A code's confidence; for a broader code, BROADER_CODE_SHARE of the best of the 6-digit
        codes under it (the likeliest industry it holds). 0 when nothing is known."""
        if not self.confidences.size:
            return 0.0
        if (i := self.model.row_of(code)) is not None:
            return float(self.confidences[i])
        rows = self.model.rows_under(code)
        if rows is None:
            return 0.0
        chosen = self.confidences[rows]
        return BROADER_CODE_SHARE * float(chosen.max()) if chosen.size else 0.0
