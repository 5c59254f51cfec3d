"""The NAICS autocomplete tiers evaluated in memory, for per-keystroke answers.

The catalogue is small (a few thousand codes) and changes rarely, while autocomplete is asked
on every keystroke: answering it from the engine costs a network round trip, a JSON body each
way and a query on the engine for every letter typed (measured: about 8 ms of CPU per keystroke
against 0.3 ms for a trivial endpoint). So each API process holds the catalogue as bitmaps and
evaluates the cheap tiers itself, with the same rules as the engine and the PostgreSQL fallback
(opensearch/README.md), over the same documents (:func:`build_naics_document`): the same codes
land in the same tiers, and ``total`` is the same number. The broad tiers (typos, some words)
are not here: when the cheap tiers find nothing, the service asks the engine.

Every set of codes is a Python int used as a bitmap: bit ``i`` is the ``i``-th document in
*display order* (shorter titles first, then code). Intersections and unions are then single
big-int operations, and the first ``n`` set bits of a tier's bitmap are its first ``n`` codes.

Inside a tier the order is by how well the query's words sit in the row, weighted like the
engine's text relevance (``RELEVANCE_FIELDS``: a word starting a title word counts 3, an alias
or keyword word 2, a description word 1; per query word its best field), then display order.
That stands in for the engine's BM25, which favours short fields in the same way; like the
PostgreSQL fallback's ``ts_rank``, it may order near ties differently from the engine.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.search.text import PreparedQuery, exact_code_candidates
from app.search.tiers import TIER_BY_NAME, Tier

# Prefixes up to this length are precomputed: they are the most frequent keystrokes and the
# ones whose vocabulary range is widest (every word starting with "s").
_PRECOMPUTED_PREFIX = 3
# After the last word of every vocabulary word with this prefix, in code point order.
_PREFIX_END = "\U0010ffff"

# Field weights of the relevance order inside a tier (the engine's RELEVANCE_FIELDS).
_WORD_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("title_contains", "title_words", 3),
    ("alias_contains", "aliases_words", 2),
    ("keyword_contains", "keywords_words", 2),
    ("description_contains", "description_words", 1),
)
# What an item shows, as in the engine's ITEM_FIELDS.
_ITEM_FIELDS: tuple[str, ...] = ("code", "title", "level", "sector", "sector_title", "category")


@dataclass(frozen=True, slots=True)
class TypeaheadHit:
    fields: dict[str, Any]
    tier: Tier


@dataclass(frozen=True, slots=True)
class TypeaheadResult:
    items: list[TypeaheadHit]
    total: int


class _Vocabulary:
    """Sorted words of one field and, per word, the bitmap of documents holding it."""

    def __init__(self, postings: Mapping[str, int]) -> None:
        self.words = sorted(postings)
        self.bitmaps = [postings[w] for w in self.words]
        self._short: dict[str, int] = {}
        for word, bitmap in zip(self.words, self.bitmaps, strict=True):
            for n in range(1, min(len(word), _PRECOMPUTED_PREFIX) + 1):
                self._short[word[:n]] = self._short.get(word[:n], 0) | bitmap

    def starting_with(self, prefix: str) -> int:
        """Documents holding a word that starts with ``prefix``."""
        if len(prefix) <= _PRECOMPUTED_PREFIX:
            return self._short.get(prefix, 0)
        start = bisect_left(self.words, prefix)
        end = bisect_left(self.words, prefix + _PREFIX_END, start)
        bitmap = 0
        for b in self.bitmaps[start:end]:
            bitmap |= b
        return bitmap


def _bits(bitmap: int, n: int) -> list[int]:
    """Positions of the lowest ``n`` set bits, lowest first."""
    out: list[int] = []
    while bitmap and len(out) < n:
        low = bitmap & -bitmap
        out.append(low.bit_length() - 1)
        bitmap ^= low
    return out


def _add(counter: list[int], bitmap: int, weight: int) -> None:
    """Add ``weight`` to the count of every document in ``bitmap``.

    ``counter`` holds the counts bit-sliced: ``counter[j]`` is the bitmap of documents whose
    count has bit ``j`` set, so one addition is a handful of big-int operations whatever the
    number of documents.
    """
    for shift in range(weight.bit_length()):
        if not weight >> shift & 1:
            continue
        carry, j = bitmap, shift
        while carry:
            if j >= len(counter):
                counter.extend([0] * (j + 1 - len(counter)))
            counter[j], carry = counter[j] ^ carry, counter[j] & carry
            j += 1


def _equal_to(counter: list[int], value: int, within: int) -> int:
    """Documents of ``within`` whose bit-sliced count equals ``value``."""
    bitmap = within
    for j, plane in enumerate(counter):
        bitmap &= plane if value >> j & 1 else ~plane
    return bitmap if value < 1 << len(counter) else 0


class TypeaheadIndex:
    """The active catalogue as bitmaps, answering the cheap tiers of a prepared query."""

    def __init__(self, documents: Iterable[Mapping[str, Any]], version: Any = None) -> None:
        docs = [d for d in documents if d.get("is_active", True)]
        # Display order: short titles first (the engine's BM25 favours them too), then code.
        docs.sort(key=lambda d: (len(str(d["title_norm"]).split()), str(d["code"])))
        self.version = version
        self.size = len(docs)
        self._items = [{f: d.get(f) for f in _ITEM_FIELDS} for d in docs]
        self._codes = sorted((str(d["code"]), i) for i, d in enumerate(docs))
        self._code_bit = {code: 1 << i for code, i in self._codes}
        self._titles = sorted((str(d["title_norm"]), i) for i, d in enumerate(docs))
        self._exact: dict[str, dict[str, int]] = {"title": {}, "alias": {}, "keyword": {}}
        fields: dict[str, dict[str, int]] = {field: {} for _, field, _ in _WORD_FIELDS}
        for i, d in enumerate(docs):
            bit = 1 << i
            exact_values = {
                "title": [d["title_norm"]],
                "alias": d.get("aliases_norm") or [],
                "keyword": d.get("keywords_norm") or [],
            }
            for kind, values in exact_values.items():
                for value in values:
                    self._exact[kind][value] = self._exact[kind].get(value, 0) | bit
            for field, postings in fields.items():
                for word in d.get(field) or []:
                    postings[word] = postings.get(word, 0) | bit
        self._vocabularies = {field: _Vocabulary(postings) for field, postings in fields.items()}

    def _code_prefix(self, prefix: str) -> int:
        start = bisect_left(self._codes, (prefix,))
        bitmap = 0
        for code, i in self._codes[start:]:
            if not code.startswith(prefix):
                break
            bitmap |= 1 << i
        return bitmap

    def _title_prefix(self, prefix: str) -> int:
        start = bisect_left(self._titles, (prefix,))
        end = bisect_left(self._titles, (prefix + _PREFIX_END,), start)
        bitmap = 0
        for _, i in self._titles[start:end]:
            bitmap |= 1 << i
        return bitmap

    def _tier_bitmaps(
        self, prepared: PreparedQuery, per_word: dict[str, list[int]]
    ) -> list[tuple[Tier, int]]:
        """Each cheap tier's documents, best tier first, as in the engine's tier_queries."""
        t = TIER_BY_NAME
        out: list[tuple[Tier, int]] = []
        if prepared.raw_code:
            exact = 0
            for code in exact_code_candidates(prepared.raw_code):
                exact |= self._code_bit.get(code, 0)
            out += [(t["exact_code"], exact), (t["code_prefix"], self._code_prefix(prepared.raw_code))]
        if prepared.words:
            text = prepared.text
            out += [
                (t["exact_title"], self._exact["title"].get(text, 0)),
                (t["title_prefix"], self._title_prefix(text)),
                (t["exact_alias"], self._exact["alias"].get(text, 0)),
                (t["exact_keyword"], self._exact["keyword"].get(text, 0)),
            ]
            for tier, field, _ in _WORD_FIELDS:
                bitmap = -1  # every document, until a word rules some out
                for word_bitmap in per_word[field]:
                    bitmap &= word_bitmap
                out.append((t[tier], bitmap))
        return out

    def _relevance(self, per_word: dict[str, list[int]], n_words: int) -> list[int]:
        """Bit-sliced relevance counts: per query word, the weight of its best field."""
        counter: list[int] = []
        for k in range(n_words):
            seen = 0
            for _, field, weight in _WORD_FIELDS:
                fresh = per_word[field][k] & ~seen
                if fresh:
                    _add(counter, fresh, weight)
                seen |= per_word[field][k]
        return counter

    def search(self, prepared: PreparedQuery, limit: int) -> TypeaheadResult:
        """The first ``limit`` codes of the cheap tiers, and how many codes they hold in all."""
        words = prepared.words
        per_word = {
            field: [self._vocabularies[field].starting_with(w) for w in words] for _, field, _ in _WORD_FIELDS
        }
        taken = 0
        tiers: list[tuple[Tier, int]] = []
        for tier, bitmap in self._tier_bitmaps(prepared, per_word):
            fresh = bitmap & ~taken
            if fresh:
                tiers.append((tier, fresh))
                taken |= fresh
        counter = self._relevance(per_word, len(words))
        top = 3 * len(words)
        hits: list[TypeaheadHit] = []
        for tier, bitmap in tiers:
            remaining = bitmap
            for value in range(top, -1, -1):
                if len(hits) >= limit or not remaining:
                    break
                level = _equal_to(counter, value, remaining)
                remaining &= ~level
                hits += [TypeaheadHit(self._items[i], tier) for i in _bits(level, limit - len(hits))]
        return TypeaheadResult(items=hits, total=taken.bit_count())
