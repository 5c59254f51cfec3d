"""Words as people write them: abbreviations, symbols, compounds and inflections, as data.

Everything here works on text already normalised by :func:`app.search.text.normalise_text`
and is pure Python: the OpenSearch documents and queries, the in-memory autocomplete index
and the PostgreSQL fallback (which receives the rules below as bind parameters) all fold
words with these tables and functions, so they cannot disagree on what "pharmacy" matches.

- Inflections: :func:`root` strips one inflection suffix (``pharmacies`` and ``pharmacy`` ->
  ``pharmac``, ``warehousing`` and ``warehouse`` -> ``warehous``). A root is always a prefix
  of its word, so the word-start ("contains") tiers can search the root of a query word and
  stay a superset of what the word itself found; the exact and prefix tiers compare the
  folded forms of both sides (:func:`fold_text`).
- Abbreviations and symbols (``mfg``, ``svc``, ``&``): :data:`ABBREVIATIONS`, :data:`SYMBOLS`.
- Compounds (``daycare`` / ``day care``): :data:`COMPOUNDS`, derived from the catalogue's own
  vocabulary by ``python -m app.search.compounds`` into ``data/compounds.txt``.

- Words that name the kind of organisation, not its industry ("company", "firm", "industry"):
  :data:`GENERIC_WORDS`. "insurance company" asks for insurance.

A query is then searched in at most three forms: as typed, with its abbreviations expanded
and its compounds split or joined (:func:`rewrite`), and without its generic words
(:func:`without_generic_words`). A row matches a tier if one form does; the prefix tier does
not take the form without generic words (app.search.text.QueryForm.prefix).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Final

# What people abbreviate on a resume or in a search box, and the word the catalogue uses.
ABBREVIATIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "mfg": "manufacturing",
        "mfr": "manufacturer",
        "mfrs": "manufacturers",
        "manuf": "manufacturing",
        "svc": "services",
        "svcs": "services",
        "srvc": "services",
        "assn": "association",
        "assoc": "association",
        "dept": "department",
        "auto": "automotive",
        "autos": "automobiles",
        "tech": "technology",
        "mgmt": "management",
        "mgt": "management",
        "govt": "government",
        "gov": "government",
        "intl": "international",
        "natl": "national",
        "dist": "distribution",
        "distr": "distribution",
        "whse": "warehouse",
        "whsl": "wholesale",
        "equip": "equipment",
        "elec": "electric",
        "constr": "construction",
        "bldg": "building",
        "hosp": "hospital",
        "med": "medical",
        "ins": "insurance",
        "prof": "professional",
        "admin": "administration",
        "ctr": "center",
        "ctrs": "centers",
        "co": "company",
        "corp": "corporation",
        "univ": "university",
        "edu": "education",
        "it": "information technology",
        "hr": "human resources",
        "pr": "public relations",
        "vet": "veterinary",
        "tv": "television",
        "bike": "bicycle",
        "bikes": "bicycles",
    }
)
# Symbols that carry a word; replaced before normalisation turns them into spaces.
SYMBOLS: Final[Mapping[str, str]] = MappingProxyType({"&": " and ", "+": " and ", "@": " at "})

# Inflection suffixes, tried in order: (suffix, letters to strip, shortest root kept). The first
# rule whose suffix ends the word and whose root is long enough decides; strip 0 protects
# endings that are not plurals ("business", "glass", "census"). One pass, no repeat, so the
# PostgreSQL fallback applies the same table the same way. The shortest-root limits keep short
# words whole ("care" is not "car", "store" is not "stor" like "storage"), and the plural
# rules agree with the singular ones ("warehouses", "warehouse" and "warehousing" all give
# "warehous"; "boxes" and "box" give "box"; "holidays" and "holiday" give "holida").
SUFFIX_RULES: Final[tuple[tuple[str, int, int], ...]] = (
    ("ss", 0, 0),
    ("us", 0, 0),
    ("is", 0, 0),
    ("ies", 3, 4),
    ("ied", 3, 4),
    ("ing", 3, 4),
    ("ings", 4, 4),
    ("xes", 2, 2),
    ("ches", 2, 3),
    ("shes", 2, 3),
    ("zes", 2, 3),
    ("es", 2, 5),
    ("ys", 2, 5),
    ("ed", 2, 5),
    ("s", 1, 3),
    ("e", 1, 5),
    ("y", 1, 5),
)


# Words that say a row is an organisation, not which industry it is in. Without them
# "insurance company" answered Offices of Other Holding Companies, "power company" Dance
# Companies and "mining company" Wholesale Trade (whose description writes "mining" and
# "companies"). Not "business", "agency", "services" or "organization": the catalogue's titles
# use them to tell industries apart (Business Associations, Advertising Agencies, Religious
# Organizations). docs/search-relevance.md, "Generic words".
GENERIC_WORDS: Final[frozenset[str]] = frozenset(
    {
        "company", "companies", "firm", "firms", "corporation", "corporations", "corp", "inc",
        "llc", "ltd", "industry", "industries",
    }
)  # fmt: skip


def without_generic_words(words: Sequence[str]) -> tuple[str, ...]:
    """The words without GENERIC_WORDS, or all of them when nothing else would remain."""
    kept = tuple(w for w in words if w not in GENERIC_WORDS)
    return kept if kept else tuple(words)


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """The word without its inflection suffix; always a prefix of the word.

    Cached: per keystroke the same few words are folded several times, by every back end.
    """
    for suffix, strip, shortest in SUFFIX_RULES:
        if word.endswith(suffix) and (not strip or len(word) - strip >= shortest):
            return word[: len(word) - strip]
    return word


def fold_text(text: str) -> str:
    """Each word of normalised text replaced by its root: what the exact and prefix tiers compare."""
    return " ".join(root(w) for w in text.split())


def fold_list(values: Sequence[str]) -> list[str]:
    """fold_text of each normalised value, distinct, in order."""
    return list(dict.fromkeys(f for f in (fold_text(v) for v in values) if f))


def replace_symbols(text: str) -> str:
    for symbol, word in SYMBOLS.items():
        text = text.replace(symbol, word)
    return text


@cache
def _compounds() -> tuple[Mapping[str, tuple[str, str]], Mapping[tuple[str, str], str]]:
    splits: dict[str, tuple[str, str]] = {}
    joins: dict[tuple[str, str], str] = {}
    source = files("app.search").joinpath("data/compounds.txt").read_text(encoding="utf-8")
    for line in source.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        first, second = fields[0], fields[1]
        # "book stores" also answers "bookstore": the second word's root joined too.
        for joined in (first + second, first + root(second)):
            splits.setdefault(joined, (first, second))
        if fields[2:] == ["+"]:
            joins[first, second] = first + second
    return MappingProxyType(splits), MappingProxyType(joins)


def compound_splits() -> Mapping[str, tuple[str, str]]:
    """Each joined compound ("bookstores", "bookstore") -> the two words the catalogue writes."""
    return _compounds()[0]


def rewrite(words: Sequence[str]) -> tuple[str, ...]:
    """The query's other form: abbreviations expanded, compounds split or joined.

    Equal to ``tuple(words)`` when nothing applies. The last word counts only when it is
    complete as typed (an abbreviation or a compound is a whole word).
    """
    splits, joins = _compounds()
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        if i + 1 < n and (joined := joins.get((word, words[i + 1]))):
            out.append(joined)
            i += 2
            continue
        if expansion := ABBREVIATIONS.get(word):
            out += expansion.split()
        elif parts := splits.get(word):
            out += parts
        else:
            out.append(word)
        i += 1
    return tuple(out)
