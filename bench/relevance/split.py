"""The deterministic 80/20 split of the Census index items.

An item's side depends only on its normalised text, so the split is the same on every
machine and run, and two rows with the same text (pointing at different codes) always land
on the same side: a held-out query never has its own text among the indexed keywords.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

HOLD_OUT_BUCKETS = 5  # one bucket in five is held out: 20 %
# The development split (``--dev``): a second, independent hash bucket of the *indexed* items is
# kept out of the import and asked instead, so tuning never looks at the held-out items.
DEV_SALT = "dev\x00"


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def text_hash(text: str, salt: str = "") -> str:
    return hashlib.sha1(f"{salt}{normalise(text)}".encode()).hexdigest()


def is_held_out(text: str) -> bool:
    return int(text_hash(text)[:8], 16) % HOLD_OUT_BUCKETS == 0


def is_dev(text: str) -> bool:
    """In the development bucket: never a held-out item, one in five of the indexed ones."""
    return not is_held_out(text) and int(text_hash(text, salt=DEV_SALT)[:8], 16) % HOLD_OUT_BUCKETS == 0


@dataclass(frozen=True)
class IndexItem:
    code: str
    text: str
    # The sheet row as read, written back unchanged into the filtered file.
    row: tuple[object, ...]


@dataclass(frozen=True)
class Split:
    indexed: list[IndexItem]
    held_out: list[IndexItem]


def split_items(items: Iterable[IndexItem], *, dev: bool = False) -> Split:
    """Indexed and held-out items; with ``dev``, the development split instead: the indexed
    items less the dev bucket, and the dev bucket as the items asked (the held-out items are
    then neither imported nor asked)."""
    indexed: list[IndexItem] = []
    held_out: list[IndexItem] = []
    for item in items:
        if dev:
            if not is_held_out(item.text):
                (held_out if is_dev(item.text) else indexed).append(item)
        else:
            (held_out if is_held_out(item.text) else indexed).append(item)
    return Split(indexed, held_out)
