"""Keyword and alias rules for the catalogue's search fields (pure functions).

Keywords from a title are its significant words: lower-cased, without
punctuation, stopwords and the NAICS boilerplate that appears in hundreds of
titles ("services", "other") and so helps no search. Words inside an
"(except ...)" clause are left out: they name what the code is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

STOPWORDS: Final = frozenset({
    # English function words
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into",
    "of", "on", "or", "the", "to", "with", "without",
    # NAICS boilerplate found in hundreds of titles
    "all", "other", "others", "except", "including", "related", "primarily", "n.e.c", "nec",
    "services", "service", "activities", "establishments", "miscellaneous", "general", "offices",
})  # fmt: skip
MIN_WORD_LENGTH: Final = 3

_WORD: Final = re.compile(r"[a-z0-9][a-z0-9&'-]*[a-z0-9]|[a-z0-9]")
# "(except Mental Health Specialists)" names what the code is NOT.
_EXCEPT_CLAUSE: Final = re.compile(r"\(\s*except\b[^)]*\)", re.IGNORECASE)


def title_keywords(title: str) -> list[str]:
    """Significant words of a title, in order, each once."""
    words: list[str] = []
    for match in _WORD.finditer(_EXCEPT_CLAUSE.sub(" ", title).lower()):
        word = match.group(0).strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < MIN_WORD_LENGTH or word in STOPWORDS or word.isdigit() or word in words:
            continue
        words.append(word)
    return words


def merge_unique(existing: Sequence[str], new: Iterable[str]) -> list[str]:
    """``existing`` followed by the ``new`` values it lacks (compared case-insensitively)."""
    merged = list(existing)
    seen = {value.casefold() for value in existing}
    for value in new:
        text = " ".join(value.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            merged.append(text)
    return merged


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def without(values: Sequence[str], removed: Iterable[str]) -> list[str]:
    """``values`` less those equal to one of ``removed`` (case and spacing aside)."""
    gone = {_key(value) for value in removed}
    return [value for value in values if _key(value) not in gone]


def replace_index_keywords(
    keywords: Sequence[str], old_index: Sequence[str], new_index: Sequence[str]
) -> list[str]:
    """``keywords`` with the previous index file's items swapped for ``new_index``.

    Keywords that did not come from the index file (added by hand or by a tool) stay, after
    the new items; comparisons are case-insensitive, like ``merge_unique``.
    """
    return merge_unique(merge_unique([], new_index), without(keywords, old_index))


def duplicates(values: Sequence[str]) -> list[str]:
    """Values that appear more than once, compared case-insensitively (first spelling)."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        key = _key(value)
        if key in seen and value not in repeated:
            repeated.append(value)
        seen.add(key)
    return repeated
