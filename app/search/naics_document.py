"""The NAICS index document: its fields and how a catalogue row becomes one.

The exact, prefix, contains, fuzzy and some_words tiers compare Python-normalised
strings (``*_norm``, ``*_fold`` and ``*_words`` fields filled by :func:`build_naics_document`),
never engine analysis, so the PostgreSQL fallback and the in-memory autocomplete index
(app.search.typeahead, which indexes these same documents) reproduce them exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.naics.exclusions import without_exclusions
from app.search.text import distinct_words, normalise_list, normalise_text
from app.search.tiers import TIERS, Rule
from app.search.wording import fold_list, fold_text

# Word arrays the contains and some_words tiers search, by tier (from the tier table).
WORD_FIELDS: dict[str, str] = {t.name: f"{t.field}_words" for t in TIERS if t.rule is Rule.CONTAINS}
# Array fields whose contains tier needs every query word in one element (one alias, one
# index item), as the seed's "keyword contains query" says: a nested object per element
# holding its words. On the flat *_words array, "water utility" matched a code with
# "Personal watercraft" and "Utility trailers" among its keywords.
ELEMENT_FIELDS: dict[str, str] = {"aliases": "aliases_elements", "keywords": "keywords_elements"}
# Per text field, the keyword fields of the exact and prefix tiers: as normalised, and folded
# (each word replaced by its root, app.search.wording).
NORM_FIELDS: dict[str, str] = {"title": "title_norm", "aliases": "aliases_norm", "keywords": "keywords_norm"}
FOLD_FIELDS: dict[str, str] = {"title": "title_fold", "aliases": "aliases_fold", "keywords": "keywords_fold"}
# Fields computed for matching only; not part of what the API shows.
INTERNAL_FIELDS: tuple[str, ...] = (
    *NORM_FIELDS.values(),
    *FOLD_FIELDS.values(),
    "match_words",
    *WORD_FIELDS.values(),
    *ELEMENT_FIELDS.values(),
)

_SOURCE_FIELDS: tuple[str, ...] = (
    "code",
    "title",
    "description",
    "level",
    "parent_code",
    "sector",
    "sector_title",
    "subsector",
    "industry_group",
    "category",
    "examples",
)
# The fields an API item shows; autocomplete fetches only these.
ITEM_FIELDS: tuple[str, ...] = ("code", "title", "level", "sector", "sector_title", "category")


def match_words(title_norm: str, aliases_norm: list[str], keywords_norm: list[str]) -> list[str]:
    """Distinct words of title, aliases and keywords: the vocabulary the fuzzy tier searches."""
    return distinct_words([title_norm, *aliases_norm, *keywords_norm])


def kept_text(text: str | None) -> str:
    """The normalised text without the words its exclusion clauses name: the words a contains
    tier reads. "except" itself stays, so a half-typed "lockers exc" still finds the rows it
    found before anyone had typed what is excluded."""
    return normalise_text(without_exclusions(text, keep_lead=True)) if text else ""


def words_and_roots(values: list[str]) -> list[str]:
    """Distinct words of normalised texts, each with its root (app.search.wording)."""
    return distinct_words([*values, *(fold_text(v) for v in values)])


def build_naics_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenSearch document for one NAICS row (a mapping of naics_codes columns).

    Adds the normalised copies the exact/prefix/contains/fuzzy tiers use. Only
    mapped fields are emitted (the index is ``dynamic: strict``).
    """
    doc: dict[str, Any] = {f: record.get(f) for f in _SOURCE_FIELDS}
    doc["code"] = str(record["code"])
    doc["title"] = str(record["title"])
    doc["level"] = int(record["level"])
    category = record.get("category")
    # Enum members (StrEnum) are stored by value.
    doc["category"] = getattr(category, "value", category)
    keywords = [str(k) for k in (record.get("keywords") or [])]
    aliases = [str(a) for a in (record.get("aliases") or [])]
    doc["keywords"] = keywords
    doc["aliases"] = aliases
    doc["is_active"] = bool(record.get("is_active", True))
    doc["title_norm"] = normalise_text(doc["title"])
    doc["keywords_norm"] = normalise_list(keywords)
    doc["aliases_norm"] = normalise_list(aliases)
    doc["title_fold"] = fold_text(doc["title_norm"])
    doc["keywords_fold"] = fold_list(doc["keywords_norm"])
    doc["aliases_fold"] = fold_list(doc["aliases_norm"])
    doc["match_words"] = match_words(doc["title_norm"], doc["aliases_norm"], doc["keywords_norm"])
    # Word arrays of the contains and some_words tiers: each word and its root
    # (app.search.wording), so a query word matches by starting a word, and its root by
    # equalling a word's root. Without the words a field excludes ("Lockers (except
    # refrigerated)": app.naics.exclusions): a row does not hold what it says it is not.
    kept = {
        "title": [kept_text(doc["title"])],
        "aliases": [kept_text(a) for a in aliases],
        "keywords": [kept_text(k) for k in keywords],
        "description": [kept_text(doc.get("description"))],
    }
    for field, values in kept.items():
        doc[f"{field}_words"] = words_and_roots(values)
    for field, elements in ELEMENT_FIELDS.items():
        doc[elements] = [{"words": words_and_roots([value])} for value in kept[field] if value]
    # Former and foreign codes, for the former_code and sic_code tiers. A 2017 code that
    # carried over unchanged is the document's own code, which exact_code already finds.
    doc["former_codes"] = [str(c) for c in (record.get("naics_2017_codes") or []) if str(c) != doc["code"]]
    doc["sic_codes"] = [str(c) for c in (record.get("sic_codes") or [])]
    return doc
