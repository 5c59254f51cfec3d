"""Query sets derived from a held-out item: as typed so far, and with one typo.

Both are deterministic functions of the text, so every run asks the same questions.
"""

from __future__ import annotations

import re

from bench.relevance.split import text_hash

# Letters and digits, with inner apostrophes ("men's"); punctuation separates words.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# Shorter words are left alone: one edit in a 3-letter word makes another word.
MIN_TYPO_WORD = 4


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def as_typed(text: str) -> str:
    """First word plus the first three letters of the second, as a user mid-way typing."""
    found = words(text)
    if not found:
        return text.strip()
    if len(found) == 1:
        return found[0][:3]
    return f"{found[0]} {found[1][:3]}"


def with_typo(text: str) -> str:
    """One deleted or swapped letter in the longest word (the first of the longest).

    The first letter is never touched (people rarely get it wrong); which edit and where
    come from a hash of the text. Texts without a word of MIN_TYPO_WORD letters stay as
    they are.
    """
    matches = list(_WORD.finditer(text))
    if not matches:
        return text
    target = max(matches, key=lambda m: len(m.group()))  # max keeps the first of equals
    word = target.group()
    if len(word) < MIN_TYPO_WORD:
        return text
    digest = bytes.fromhex(text_hash(text, salt="typo\x00"))
    position = 1 + digest[1] % (len(word) - 1)  # 1 .. len-1
    if digest[0] % 2 == 0 and position < len(word) - 1 and word[position] != word[position + 1]:
        edited = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    else:
        edited = word[:position] + word[position + 1 :]
    return text[: target.start()] + edited + text[target.end() :]


QUERY_SETS = {
    "held_out": lambda text: text,
    "as_typed": as_typed,
    "typo": with_typo,
}
