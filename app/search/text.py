"""Text normalisation shared by the OpenSearch query builders and the PostgreSQL fallback.

Every exact, prefix, contains and fuzzy tier compares strings produced by
:func:`normalise_text` on both sides (documents are normalised in Python before
indexing, queries before building the DSL), so the two back ends can only agree
if they call this one function. Keep it free of I/O and engine specifics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.naics.codes import SECTOR_ALIASES
from app.naics.exclusions import without_exclusions
from app.search.wording import SYMBOLS, replace_symbols, rewrite, root, without_generic_words

# Raw user input is cut before any work so a 10 KB (or 10 MB) query costs nothing.
MAX_QUERY_CHARS = 512
# No real word is longer; a longer "word" is cut so fuzzy/wildcard automata stay small.
MAX_WORD_CHARS = 40
# At most this many words take part in a search. Each word becomes a handful of
# clauses; the cap keeps every query far below OpenSearch's default limit of 1024
# boolean clauses (which the emulator used in tests does not enforce).
MAX_QUERY_WORDS = 8
# Words that say nothing about an industry. They never count towards the some_words
# tier (a query sharing only "of" and "and" with a row does not match it); the
# contains tiers still require them like any other word. Lucene's English stop set, which is
# OpenSearch's `_english_`; opensearch/*.json list the same words explicitly (the test emulator
# reads `_english_` as a much longer list), and tests/search/engine checks the copies are equal.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
        "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
        "to", "was", "will", "with",
    }
)  # fmt: skip

# Letters that Unicode does not decompose (so NFKD cannot strip them) but that
# Lucene's asciifolding filter folds. Folding them here keeps the OpenSearch
# "folded" normalizer idempotent on our output, so the engine never sees a
# different string from the one PostgreSQL compares.
_EXTRA_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "q",
        "\u017f": "s",  # long s
    }
)

_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")

# Codes are digits, with the combined sectors written "31-33", "44-45", "48-49".
# A trailing "-" or a partial second half is allowed so typing "31-" already works.
_CODE_RE = re.compile(r"^(?:[0-9]{1,6}|[0-9]{2}-[0-9]{0,2})$")
# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def normalise_text(text: str | None) -> str:
    """Lowercase, fold accents, turn everything but letters and digits into spaces.

    "Full-Service Restaurants" -> "full service restaurants";
    "Café  Straße!" -> "cafe strasse". Lucene syntax, quotes and emoji all become
    spaces, so no user character can ever carry meaning into a query.
    """
    if not text:
        return ""
    if text.isascii():
        # The common case, per keystroke, and 10x faster: exactly what the Unicode path
        # does to ASCII (tests/search/test_text_and_tiers.py compares the two).
        return " ".join(_NOT_ASCII_ALNUM.sub(" ", text.lower()).split())
    return normalise_unicode(text)


def normalise_unicode(text: str) -> str:
    """normalise_text for any text, one character at a time."""
    # NFKD splits accented letters into base + combining mark and expands
    # compatibility forms (ligatures, full-width digits); casefold handles ß and
    # friends; the second NFKD decomposes what casefold produced.
    text = unicodedata.normalize("NFKD", text)
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_EXTRA_FOLDS)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "M":
            # Combining marks are the accents NFKD split off: drop them.
            continue
        out.append(ch if cat[0] in ("L", "N") else " ")
    return " ".join("".join(out).split())


def tokenise(text: str | None) -> list[str]:
    """Words of the normalised text, in order (duplicates kept)."""
    return normalise_text(text).split()


def distinct_words(texts: Iterable[str]) -> list[str]:
    """Distinct words of already-normalised texts, in first-seen order."""
    words: dict[str, None] = {}
    for text in texts:
        for word in text.split():
            words.setdefault(word, None)
    return list(words)


def normalise_list(values: Iterable[str] | None) -> list[str]:
    """Normalise each entry of a keyword/alias list, dropping entries that become empty."""
    if not values:
        return []
    out: list[str] = []
    for value in values:
        norm = normalise_text(value)
        if norm and norm not in out:
            out.append(norm)
    return out


def normalise_code_query(text: str | None) -> str | None:
    """The query as a stored NAICS code or code prefix, or None when it is not code-like.

    Whitespace is ignored and any Unicode dash counts as "-". The catalogue stores
    the published sector ranges under their first number ("31-33" is row "31"), so
    a range query keeps only the part before the dash: "31 - 33" -> "31", "44-" -> "44".
    Only a code-like query gets the exact_code and code_prefix tiers.
    """
    if not text:
        return None
    compact = "".join(text[:MAX_QUERY_CHARS].translate(_DASHES).split())
    if not _CODE_RE.match(compact):
        return None
    return compact.split("-", 1)[0]


def exact_code_candidates(code: str) -> list[str]:
    """Codes the exact_code tier accepts for a code query: itself and, for the
    sector numbers hidden inside a range (32, 33, 45, 49), the row they live in."""
    alias = SECTOR_ALIASES.get(code)
    return [code, alias] if alias else [code]


def fuzzy_max_edits(word: str) -> int:
    """Edit distance the fuzzy tier allows for a query word (OpenSearch "AUTO").

    0 for 1-2 characters, 1 for 3-5, 2 for longer words; counted in characters.
    """
    n = len(word)
    if n <= 2:
        return 0
    if n <= 5:
        return 1
    return 2


# "SIC 7372", "sic:7372", "SIC#7372": a Standard Industrial Classification code (2-4 digits).
_SIC_RE = re.compile(r"^\s*sic\s*[:#-]?\s*([0-9]{2,4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class QueryForm:
    """One way of writing the query (as typed, or rewritten by app.search.wording).

    words: normalised words; roots: each word's root (a prefix of it), what the word-start
    tiers also accept; fold: the roots joined, what the exact and prefix tiers compare with
    the folded fields. prefix: whether the prefix tier takes this form. The form without
    generic words does not: "law firm" must not reach "Lawn and Garden ..." as a title
    prefix above the alias "Law Firm" (a prefix is for a word still being typed, and the
    shortened form is not what was typed). Build with :meth:`of` (roots and fold are
    computed once).
    """

    words: tuple[str, ...]
    roots: tuple[str, ...]
    fold: str
    prefix: bool = True

    @classmethod
    def of(cls, words: tuple[str, ...], *, prefix: bool = True) -> QueryForm:
        roots = tuple(root(w) for w in words)
        return cls(words, roots, " ".join(roots), prefix)

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A user query reduced to what every tier needs.

    raw_code: the code-like form of the query, or None.
    words: normalised words, at most MAX_QUERY_WORDS, the last one maybe partial.
    text: the words joined by single spaces (the string the exact/prefix tiers use).
    forms: the query as typed, then (when it differs) with abbreviations, symbols and
    compounds rewritten, then (when it has any) without its generic words
    (app.search.wording.GENERIC_WORDS); a row matches a text tier if one form does.
    sic_code: the SIC code of a "SIC 7372" query, or None.
    spelled: the words the catalogue itself uses (app.search.spelling.Speller.spelled). They
    are not typos, so the fuzzy tier takes them as written (:meth:`typo_edits`).
    """

    raw_code: str | None
    words: tuple[str, ...]
    forms: tuple[QueryForm, ...] = ()
    sic_code: str | None = None
    spelled: frozenset[str] = frozenset()

    def typo_edits(self, word: str) -> int:
        """The fuzzy tier's edit budget for one of the query's words.

        0 for a word the catalogue uses: "flying instruction" is not two typos of
        "laying construction", and correcting it buried Flight Training under every
        construction code (docs/search-relevance.md, "Typos that rank").
        """
        return 0 if word in self.spelled else fuzzy_max_edits(word)

    @property
    def may_have_typos(self) -> bool:
        """Whether any word has an edit budget: the fuzzy tier applies only then.

        With none, the tier would only say that every word is somewhere in the row (in any
        field, any element), which the some_words tier and its coverage already weigh; ranking
        that above some_words put "sheet metal duct work ... merchant wholesalers" under a
        construction code holding those words in different index items.
        """
        return any(self.typo_edits(w) for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def is_empty(self) -> bool:
        return not self.words and self.raw_code is None and self.sic_code is None

    @property
    def prefix_forms(self) -> tuple[QueryForm, ...]:
        """The forms the prefix tier compares (QueryForm.prefix)."""
        return tuple(form for form in self.forms if form.prefix)

    @property
    def content_words(self) -> tuple[str, ...]:
        """Distinct words that are neither stop words nor generic words (unless only generic
        words are left): what the some_words tier counts."""
        return without_generic_words(tuple(w for w in dict.fromkeys(self.words) if w not in STOP_WORDS))

    @property
    def content_roots(self) -> tuple[str, ...]:
        """The roots of content_words (same order and count): what coverage and some_words search."""
        return tuple(root(w) for w in self.content_words)

    @property
    def some_words_minimum(self) -> int:
        """How many content words a row must hold for the some_words tier; 0 = no such tier.

        Half of them, rounded up. A one-word query has no such tier: the contains tiers
        already say everything a partial match could.
        """
        if len(set(self.words)) < 2:
            return 0
        return (len(self.content_words) + 1) // 2


# Which of a query's words the catalogue uses (app.search.spelling.Speller.spelled).
SpelledWords = Callable[[tuple[str, ...]], frozenset[str]]


def prepare_query(query: str | None, spelled: SpelledWords | None = None) -> PreparedQuery:
    """Cut, normalise and tokenise a user query once, for any back end.

    spelled: which of the words the catalogue uses (a Speller's), when the caller has one.
    """
    raw = (query or "")[:MAX_QUERY_CHARS]
    # What a query excludes ("lockers (except refrigerated)") is not asked for: the rows'
    # exclusions are not their words either (app.search.naics_document.kept_text).
    if (kept := without_exclusions(raw)) != raw and kept.strip():
        raw = kept
    words = _words(raw)
    forms = [QueryForm.of(words)] if words else []
    # Symbols only matter when present; most keystrokes have none.
    symbols = _words(replace_symbols(raw)) if any(symbol in raw for symbol in SYMBOLS) else words
    rewritten = rewrite(symbols)[:MAX_QUERY_WORDS]
    if rewritten and rewritten != words:
        forms.append(QueryForm.of(rewritten))
    if forms and (kept := without_generic_words(forms[-1].words)) != forms[-1].words:
        forms.append(QueryForm.of(kept, prefix=False))
    sic = _SIC_RE.match(raw) if "sic" in raw.lower() else None
    return PreparedQuery(
        raw_code=normalise_code_query(raw),
        words=words,
        forms=tuple(forms),
        sic_code=sic.group(1) if sic else None,
        spelled=spelled(words) if spelled is not None and words else frozenset(),
    )


def _words(raw: str) -> tuple[str, ...]:
    return tuple(w[:MAX_WORD_CHARS] for w in tokenise(raw)[:MAX_QUERY_WORDS])
