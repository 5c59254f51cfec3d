"""What the simulated users ask for: per-keystroke prefixes, detail reads, experience searches.

Each load-generator connection plays one user with its own deterministic sequence, so
two runs send the same requests in the same order.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator, Sequence
from urllib.parse import quote

AUTOCOMPLETE_PATH = "/api/v1/naics/autocomplete"
DETAIL_PATH = "/api/v1/naics/{code}"
EXPERIENCE_SEARCH_PATH = "/api/v1/experiences/search"
# Longer prefixes than this rarely reach the server: the user picks a suggestion first.
MAX_PREFIX = 20


def stable_order(values: Sequence[str], salt: str = "") -> list[str]:
    """A fixed pseudo-random order (by hash), the same on every machine."""
    return sorted(values, key=lambda v: hashlib.sha1(f"{salt}{v}".encode()).hexdigest())


def keystroke_prefixes(title: str, max_length: int = MAX_PREFIX) -> list[str]:
    """What a user typing `title` sends, one request per keystroke: "s", "so", "sof", ...

    Lower-cased as people type; a keystroke that only adds a space sends nothing new.
    """
    text = " ".join(title.split()).lower()[:max_length].rstrip()
    return [text[:n] for n in range(1, len(text) + 1) if not text[:n].endswith(" ")]


def autocomplete_paths(
    titles: Sequence[str], user: int, users: int, limit: int = 10, start: int = 0
) -> Iterator[str]:
    """User `user` of `users` types every users-th title from `start` on, keystroke by keystroke.

    Runs pass different starts so that a run types titles its predecessors did not: caches
    on the way (the engine's, the in-memory index's prefix bitmaps) would otherwise answer
    replayed keystrokes, and the run would measure them instead of the search.
    """
    rotated = [*titles[start % len(titles) :], *titles[: start % len(titles)]]
    mine = list(rotated[user % len(rotated) :: users]) or rotated
    for title in itertools.cycle(mine):
        for prefix in keystroke_prefixes(title):
            yield f"{AUTOCOMPLETE_PATH}?q={quote(prefix)}&limit={limit}"


def detail_paths(codes: Sequence[str], user: int, users: int) -> Iterator[str]:
    mine = list(codes[user % len(codes) :: users]) or list(codes)
    for code in itertools.cycle(mine):
        yield DETAIL_PATH.format(code=code)


def experience_search_paths(queries: Sequence[str], user: int, limit: int = 10) -> Iterator[str]:
    start = user * 7 % len(queries)
    for query in itertools.cycle([*queries[start:], *queries[:start]]):
        yield f"{EXPERIENCE_SEARCH_PATH}?q={quote(query)}&limit={limit}"


def health_paths() -> Iterator[str]:
    return itertools.repeat("/health")
