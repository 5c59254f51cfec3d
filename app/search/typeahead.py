"""The NAICS autocomplete tiers evaluated in memory, for per-keystroke answers.

The catalogue is small (a few thousand codes) and changes rarely, while autocomplete is asked
on every keystroke: answering it from the engine costs a network round trip, a JSON body each
way and a query on the engine for every letter typed (measured: about 8 ms of CPU per keystroke
against 0.3 ms for a trivial endpoint). So each API process holds the catalogue as bitmaps and
evaluates the cheap tiers itself, with the same rules as the engine and the PostgreSQL fallback
(opensearch/README.md), over the same documents (:func:`build_naics_document`): the same codes
land in the same tiers, and ``total`` is the same number. Of the broad tiers, only some_words is
here, for a query with no possible typo (:meth:`TypeaheadIndex.some_words`); the typo tier's
edit-distance automata stay on the engine.

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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.search.naics_document import (
    ELEMENT_FIELDS,
    FOLD_FIELDS,
    ITEM_FIELDS,
    NORM_FIELDS,
    WORD_FIELDS,
    kept_text,
    words_and_roots,
)
from app.search.naics_queries import RELEVANCE_FIELDS
from app.search.spelling import Speller
from app.search.text import PreparedQuery, exact_code_candidates
from app.search.tiers import BROAD_TIERS, CODE_RULES, COVERAGE_WEIGHT, TIER_BY_NAME, TIERS, Rule, Tier
from app.search.wording import root

# Prefixes up to this length are precomputed: they are the most frequent keystrokes and the
# ones whose vocabulary range is widest (every word starting with "s").
_PRECOMPUTED_PREFIX = 3
# Longer prefixes whose bitmaps are kept, per field (a few hundred bytes each).
_CACHED_PREFIXES = 4096
# After the last word of every vocabulary word with this prefix, in code point order.
_PREFIX_END = "\U0010ffff"

# The engine's field boosts ("title^3" -> title: 3), the weights of the relevance order.
_BOOSTS: dict[str, int] = {
    name: int(boost or 1) for name, _, boost in (field.partition("^") for field in RELEVANCE_FIELDS)
}
# The contains tiers' word fields (the engine's WORD_FIELDS, in tier order) with their field's
# weight in the relevance order inside a tier.
_WORD_FIELDS: tuple[tuple[Tier, str, int], ...] = tuple(
    (TIER_BY_NAME[tier], field, _BOOSTS[field.removesuffix("_words")]) for tier, field in WORD_FIELDS.items()
)
# A query word counts once, in the heaviest field a word of it starts: fields by weight.
_BY_WEIGHT: tuple[int, ...] = tuple(sorted(range(len(_WORD_FIELDS)), key=lambda i: -_WORD_FIELDS[i][2]))
# The tiers evaluated here (all but the broad ones), with their rule and field, once.
_CHEAP_TIERS: tuple[tuple[Tier, Rule, str], ...] = tuple(
    (t, t.rule, str(t.field)) for t in TIERS if t.name not in BROAD_TIERS and t.rule is not None
)
_CODE_RULES = CODE_RULES
_EXACT_CODE, _CODE_PREFIX, _LISTED_CODE, _SIC_CODE = (
    Rule.EXACT_CODE,
    Rule.CODE_PREFIX,
    Rule.LISTED_CODE,
    Rule.SIC_CODE,
)
_EXACT, _CONTAINS = Rule.EXACT, Rule.CONTAINS
# Each contains tier's position in _WORD_FIELDS (and in the index's word vocabularies).
_CONTAINS_POSITION: dict[str, int] = {tier.name: i for i, (tier, _, _) in enumerate(_WORD_FIELDS)}
# Tiers in which every query word starts a title word, so every row weighs the same.
_TITLE_TIERS = frozenset(t.name for t in TIERS if t.field == "title")
_SOME_WORDS_TIER = next(t for t in TIERS if t.rule is Rule.SOME_WORDS)


@dataclass(frozen=True, slots=True)
class TypeaheadHit:
    fields: dict[str, Any]
    tier: Tier
    # What the engine adds to a broad tier's band and the service reads back as coverage:
    # COVERAGE_WEIGHT per content word the row holds (services.naics_search._coverage).
    relevance: float = 0.0


@dataclass(frozen=True, slots=True)
class TypeaheadResult:
    items: list[TypeaheadHit]
    total: int


class _Vocabulary:
    """Sorted strings (words, titles or codes) and, per string, the documents holding it.

    Each string's bitmap is kept shifted down to its lowest bit: a Python int takes the room of
    its highest bit, and over the index items' 20,373 elements most words sit in a few elements
    far from bit 0 (the keyword elements' bitmaps took 21.6 MB unshifted).
    """

    def __init__(self, postings: Mapping[str, int]) -> None:
        self.keys = sorted(postings)
        self._shifted: dict[str, tuple[int, int]] = {}
        self._short: dict[str, int] = {}
        for key in self.keys:
            bitmap = postings[key]
            shift = (bitmap & -bitmap).bit_length() - 1
            self._shifted[key] = (shift, bitmap >> shift)
            for n in range(1, min(len(key), _PRECOMPUTED_PREFIX) + 1):
                self._short[key[:n]] = self._short.get(key[:n], 0) | bitmap
        self._in_order = [self._shifted[k] for k in self.keys]
        # Typing repeats words ("software", then "software p", "software pu", ...): the
        # bitmaps of recent longer prefixes are kept, as an engine keeps its filter cache.
        self.starting_with = lru_cache(maxsize=_CACHED_PREFIXES)(self._starting_with)

    def exact(self, key: str) -> int:
        """Documents holding exactly ``key``."""
        found = self._shifted.get(key)
        return found[1] << found[0] if found else 0

    def _starting_with(self, prefix: str) -> int:
        """Documents holding a string that starts with ``prefix``."""
        if len(prefix) <= _PRECOMPUTED_PREFIX:
            return self._short.get(prefix, 0)
        start = bisect_left(self.keys, prefix)
        end = bisect_left(self.keys, prefix + _PREFIX_END, start)
        bitmap = 0
        for shift, low in self._in_order[start:end]:
            bitmap |= low << shift
        return bitmap


def _postings(values_per_doc: Iterable[Iterable[str]]) -> _Vocabulary:
    postings: dict[str, int] = {}
    for i, values in enumerate(values_per_doc):
        for value in values:
            postings[value] = postings.get(value, 0) | 1 << i
    return _Vocabulary(postings)


class _Elements:
    """An array field's values (each alias, each index item) as bitmaps of their own, for the
    contains rule that every query word is in one of them (naics_document.ELEMENT_FIELDS)."""

    def __init__(self, elements_per_doc: Iterable[Iterable[Mapping[str, Any]]]) -> None:
        # A document's elements are consecutive bits: (owner, first bit, how many) per element.
        self._spans: list[tuple[int, int, int]] = []
        words: list[list[str]] = []
        for i, elements in enumerate(elements_per_doc):
            values = [element["words"] for element in elements]
            span = (i, len(words), len(values))
            self._spans += [span] * len(values)
            words += values
        self._vocabulary = _postings(words)

    def documents(self, words: Iterable[str]) -> int:
        """Documents with an element every word starts a word of (or shares its root with)."""
        found = -1
        for word in words:
            found &= _word_or_root(self._vocabulary, word)
        documents = 0
        while found > 0:
            owner, first, count = self._spans[(found & -found).bit_length() - 1]
            documents |= 1 << owner
            # The rest of this document's elements say nothing more: one step per document.
            found &= ~(((1 << count) - 1) << first)
        return documents


def _add(planes: list[int], j: int, bitmap: int) -> None:
    """Add 2**j to the count of every document in ``bitmap``.

    Counts are bit-sliced: ``planes[j]`` is the bitmap of documents whose count has bit ``j``
    set, so an addition is a few big-int operations however many documents there are.
    """
    carry = bitmap
    while carry:
        planes[j], carry = planes[j] ^ carry, planes[j] & carry
        j += 1


class TypeaheadIndex:
    """The active catalogue as bitmaps, answering the cheap tiers of a prepared query."""

    def __init__(self, documents: Iterable[Mapping[str, Any]], version: Any = None) -> None:
        docs = [d for d in documents if d.get("is_active", True)]
        # Display order: short titles first (the engine's BM25 favours them too), then code.
        docs.sort(key=lambda d: (len(str(d["title_norm"]).split()), str(d["code"])))
        self.version = version
        self.size = len(docs)
        # Did-you-mean over the same documents (app.search.spelling).
        self.speller = Speller(docs)
        self._items = [{f: d.get(f) for f in ITEM_FIELDS} for d in docs]
        self._codes = _postings([str(d["code"])] for d in docs)
        self._listed = {
            str(t.field): _postings(d.get(str(t.field)) or [] for d in docs)
            for t in TIERS
            if t.rule in (Rule.LISTED_CODE, Rule.SIC_CODE)
        }
        # Per text field of the exact and prefix tiers: (normalised, folded) values.
        self._texts = {
            field: (
                _postings(_as_list(d.get(norm)) for d in docs),
                _postings(_as_list(d.get(fold)) for d in docs),
            )
            for field, norm in NORM_FIELDS.items()
            if (fold := FOLD_FIELDS[field])
        }
        # Per contains tier (in _WORD_FIELDS order), the vocabulary of its word field.
        self._words = [(tier, _postings(d.get(field) or [] for d in docs)) for tier, field, _ in _WORD_FIELDS]
        # Per array field, its elements (the contains tiers want every word in one of them).
        self._elements = {f: _Elements(d.get(path) or [] for d in docs) for f, path in ELEMENT_FIELDS.items()}
        # The words of the titles above each code (broader_coverage).
        by_code = {str(d["code"]): d for d in docs}
        self._broader = _postings(_broader_words(d, by_code) for d in docs)

    def _tiers(self, prepared: PreparedQuery, starts: list[list[int]]) -> list[tuple[Tier, int]]:
        """Each cheap tier's documents, best tier first, as in the engine's tier_queries."""
        out: list[tuple[Tier, int]] = []
        code, sic, forms = prepared.raw_code, prepared.sic_code, prepared.forms
        for tier, rule, field in _CHEAP_TIERS:
            bitmap = 0
            if rule in _CODE_RULES:
                if rule is _EXACT_CODE and code:
                    for candidate in exact_code_candidates(code):
                        bitmap |= self._codes.exact(candidate)
                elif rule is _CODE_PREFIX and code:
                    bitmap = self._codes.starting_with(code)
                elif rule is _LISTED_CODE and code and len(code) == 6:
                    bitmap = self._listed[field].exact(code)
                elif rule is _SIC_CODE and sic:
                    bitmap = self._listed[field].exact(sic)
                else:
                    continue
            elif not forms:
                continue
            elif rule is _CONTAINS:
                i = _CONTAINS_POSITION[tier.name]
                vocabulary = self._words[i][1]
                for n, form in enumerate(forms):
                    # The first form is the query as typed: its per-word bitmaps are at hand.
                    per_word = starts[i] if n == 0 else [_word_or_root(vocabulary, w) for w in form.words]
                    form_bitmap = per_word[0]
                    for word_bitmap in per_word[1:]:
                        form_bitmap &= word_bitmap
                    # The documents holding every word, narrowed to those holding them in one
                    # element (one word is in one element wherever it is).
                    if form_bitmap and len(form.words) > 1 and (elements := self._elements.get(field)):
                        form_bitmap &= elements.documents(form.words)
                    bitmap |= form_bitmap
            else:  # exact or prefix
                norm, fold = self._texts[field]
                for form in forms if rule is _EXACT else prepared.prefix_forms:
                    # Folded forms compare whole words only (as in naics_queries._text_clause).
                    bitmap |= fold.exact(form.fold)
                    if rule is _EXACT:
                        bitmap |= norm.exact(form.text)
                    else:
                        bitmap |= norm.starting_with(form.text) | fold.starting_with(form.fold + " ")
            out.append((tier, bitmap))
        return out

    def _relevance(self, starts: list[list[int]], n_words: int) -> list[int]:
        """Bit-sliced counts: per query word, the weight of the best field a word of it starts."""
        planes = [0] * (3 * n_words).bit_length()
        for k in range(n_words):
            seen = 0
            for f in _BY_WEIGHT:
                weight, bitmap = _WORD_FIELDS[f][2], starts[f][k]
                fresh = bitmap & ~seen
                seen |= bitmap
                if fresh:
                    for j in range(weight.bit_length()):
                        if weight >> j & 1:
                            _add(planes, j, fresh)
        return planes

    def search(self, prepared: PreparedQuery, limit: int) -> TypeaheadResult:
        """The first ``limit`` codes of the cheap tiers, and how many codes they hold in all."""
        words = prepared.words
        typed = prepared.forms[0].words if prepared.forms else ()
        starts = [[_word_or_root(vocabulary, w) for w in typed] for _, vocabulary in self._words]
        taken = 0
        tiers: list[tuple[Tier, int]] = []
        for tier, bitmap in self._tiers(prepared, starts):
            if fresh := bitmap & ~taken:
                tiers.append((tier, fresh))
                taken |= fresh
        hits: list[TypeaheadHit] = []
        planes: list[int] | None = None
        for tier, bitmap in tiers:
            # Within the tier, documents by relevance, best first; each level in display order.
            if tier.name in _TITLE_TIERS:  # every row weighs the same: one level
                levels = [(0, bitmap)]
            else:
                planes = planes if planes is not None else self._relevance(starts, len(words))
                levels = _levels(planes, bitmap)
            for _, level in levels:
                self._take(level, tier, hits, limit)
            if len(hits) >= limit:
                break
        return TypeaheadResult(items=hits, total=taken.bit_count())

    def broader_coverage(self, prepared: PreparedQuery, codes: Iterable[str]) -> dict[str, int]:
        """Per code, how many of the query's content words no field of the code holds but the
        title of a code above it does (its industry group, subsector or sector); codes with
        none are left out. Nothing for a query of fewer than two content words, which has no
        coverage (naics_queries._coverage).

        Search orders a broad tier's hits by the words they hold (services.naics_search): a
        code's broader titles describe it too. "electric utility": every electricity code holds
        "electric", and only the sector's title, Utilities, says "utility"."""
        roots = prepared.content_roots
        if len(roots) < 2:
            return {}
        above = [self._broader.starting_with(stem) & ~self._holding(stem) for stem in roots]
        found: dict[str, int] = {}
        for code in codes:
            row = self._codes.exact(code)
            if row and (count := sum(1 for bitmap in above if bitmap & row)):
                found[code] = count
        return found

    def some_words(self, prepared: PreparedQuery, limit: int) -> TypeaheadResult:
        """The some_words tier alone: what the engine's broad tiers answer for a query whose
        cheap tiers found nothing and that has no possible typo (no fuzzy tier then:
        PreparedQuery.may_have_typos). Rows holding more content words first, then relevance.

        Per keystroke, multi-word queries often land here (the contains tiers want every word
        in one alias or index item): answered on the engine, they cost a round trip each.
        """
        minimum, roots = prepared.some_words_minimum, prepared.content_roots
        if not minimum or prepared.may_have_typos:
            return TypeaheadResult(items=[], total=0)
        coverage = [0] * len(roots).bit_length()
        for stem in roots:
            _add(coverage, 0, self._holding(stem))
        # The engine counts coverage only for two content words or more (naics_queries._coverage).
        weight = COVERAGE_WEIGHT if len(roots) >= 2 else 0
        typed = prepared.forms[0].words if prepared.forms else ()
        starts = [[_word_or_root(vocabulary, w) for w in typed] for _, vocabulary in self._words]
        planes: list[int] | None = None
        hits: list[TypeaheadHit] = []
        total = 0
        for held, rows in _levels(coverage, (1 << self.size) - 1):
            if held < minimum:
                break
            total += rows.bit_count()
            if len(hits) >= limit:
                continue
            planes = planes if planes is not None else self._relevance(starts, len(typed))
            for _, level in _levels(planes, rows):
                self._take(level, _SOME_WORDS_TIER, hits, limit, weight * held)
        return TypeaheadResult(items=hits, total=total)

    def _holding(self, stem: str) -> int:
        """Documents holding a content word's root by the engine's some_words rule
        (naics_queries._some_words): the root starts a word of any word field."""
        held = 0
        for _, vocabulary in self._words:
            held |= vocabulary.starting_with(stem)
        return held

    def _take(
        self, level: int, tier: Tier, hits: list[TypeaheadHit], limit: int, relevance: float = 0.0
    ) -> None:
        """Append the documents of ``level`` in display order (bit order) until ``limit`` hits."""
        while level and len(hits) < limit:
            low = level & -level
            hits.append(TypeaheadHit(self._items[low.bit_length() - 1], tier, relevance))
            level ^= low


def _word_or_root(vocabulary: _Vocabulary, word: str) -> int:
    """Documents with a word the query word starts, or with the query word's root as a word's
    root (the word arrays hold both: naics_document.build_naics_document)."""
    bitmap = vocabulary.starting_with(word)
    if (stem := root(word)) != word:
        bitmap |= vocabulary.exact(stem)
    return bitmap


def _broader_words(document: Mapping[str, Any], by_code: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The words, and their roots, of the titles of the codes above a document, without what
    those titles exclude (naics_document.kept_text): under "Other Services (except Public
    Administration)" no code holds "public administration"."""
    titles = [kept_text(document.get("sector_title"))]
    parent = document.get("parent_code")
    # At most the 3 levels above a 6-digit code; bounded, so a malformed chain cannot loop.
    for _ in range(3):
        above = by_code.get(str(parent)) if parent else None
        if above is None:
            break
        titles.append(kept_text(above.get("title")))
        parent = above.get("parent_code")
    return words_and_roots(titles)


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _levels(planes: list[int], within: int) -> Iterator[tuple[int, int]]:
    """The documents of ``within`` grouped by their bit-sliced count, highest count first:
    (count, documents) per count some document has."""
    for value in range((1 << len(planes)) - 1, -1, -1):
        if not within:
            return
        level = within
        for j, plane in enumerate(planes):
            level &= plane if value >> j & 1 else ~plane
        if level:
            yield value, level
            within &= ~level
