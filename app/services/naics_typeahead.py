"""Each API process's in-memory autocomplete index (app.search.typeahead), kept fresh.

Built from PostgreSQL with the same document builder the indexer uses, on the first
autocomplete request (or at start-up under `levelith serve`). Afterwards, a request that finds
the last check older than TYPEAHEAD_REFRESH_SECONDS starts one background check of the
catalogue's version and, if it moved, a rebuild; requests never wait for either, they use the
index they have. So an edit to the catalogue shows within about that many seconds, in every
process, whichever indexer or import made it, and without any message between processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.metrics import TYPEAHEAD_REBUILD_SECONDS, TYPEAHEAD_REBUILDS
from app.repositories.naics import NaicsRepository
from app.repositories.search_sources import catalogue_version, stream_rows
from app.schemas.naics import NaicsDetail
from app.search.naics_query import build_naics_document
from app.search.typeahead import TypeaheadIndex

log = logging.getLogger(__name__)

# Encoded autocomplete answers kept per catalogue version (AUTOCOMPLETE_CACHE_SIZE): real
# typing repeats ("s", "so", "sof" ... from every user), and a hit skips the search and the
# encoding. Bounded memory: about 2 KB each.
DEFAULT_CACHED_ANSWERS = 20_000


class Typeahead:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        refresh_seconds: float,
        cached_answers: int = DEFAULT_CACHED_ANSWERS,
    ) -> None:
        self.sessions = sessions
        self.refresh_seconds = refresh_seconds
        self.cached_answers = cached_answers
        self._index: TypeaheadIndex | None = None
        # Beside the index, from the same read: every code's detail, encoded once (GET
        # /api/v1/naics/{code} serves these bytes), and encoded autocomplete answers by query.
        # Both are replaced with the index, so they are never older than the index either.
        self._details: dict[str, bytes] = {}
        self._answers: dict[tuple[str, int], tuple[bytes, list[str]]] = {}
        self._build_lock = asyncio.Lock()
        self._check_at = 0.0
        self._refresh: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return self.refresh_seconds > 0

    async def index(self) -> TypeaheadIndex | None:
        """The current index; None when disabled or PostgreSQL could not be read yet.

        Only the very first call waits (for the first build); later ones get what is there
        and, when it is due, start a check in the background.
        """
        if not self.enabled:
            return None
        if self._index is None:
            await self._first_build()
        else:
            self._check_soon()
        return self._index

    def detail(self, code: str) -> bytes | None:
        """The encoded detail of a canonical code, if the index is built (never waits for it).

        Like a keystroke, a detail read starts the background freshness check when it is due,
        so details stay fresh with no autocomplete traffic at all.
        """
        if self._index is None:
            return None
        self._check_soon()
        return self._details.get(code)

    def forget(self, code: str) -> None:
        """This process just changed `code`: read it from PostgreSQL until the next rebuild."""
        self._details.pop(code, None)
        self._answers.clear()

    def answer(self, key: tuple[str, int]) -> tuple[bytes, list[str]] | None:
        """A cached autocomplete answer. A hit starts the freshness check when it is due, as a
        keystroke does: with every keystroke answered from here, nothing else would."""
        if self._index is not None:
            self._check_soon()
        return self._answers.get(key)

    def remember(self, key: tuple[str, int], body: bytes, codes: list[str]) -> None:
        if len(self._answers) < self.cached_answers:
            self._answers[key] = (body, codes)

    def _check_soon(self) -> None:
        if time.monotonic() >= self._check_at and (self._refresh is None or self._refresh.done()):
            self._check_at = time.monotonic() + self.refresh_seconds
            self._refresh = asyncio.create_task(self._refresh_if_changed(), name="levelith-typeahead")

    async def _first_build(self) -> None:
        async with self._build_lock:
            if self._index is not None or time.monotonic() < self._check_at:
                return
            # Whatever happens, PostgreSQL is not asked again before the next check is due:
            # while it is down, keystrokes go to the engine instead of queueing here.
            self._check_at = time.monotonic() + self.refresh_seconds
            try:
                await self._build()
            except Exception as exc:
                log.warning("autocomplete index not built, the engine answers meanwhile: %s", exc)

    async def _refresh_if_changed(self) -> None:
        try:
            async with self.sessions() as session:
                version = await catalogue_version(session)
            if self._index is not None and version != self._index.version:
                await self._build()
        except Exception as exc:
            # The index in hand stays: a stale catalogue beats no autocomplete.
            log.warning("autocomplete index not refreshed: %s", exc)

    async def _build(self) -> None:
        started = time.perf_counter()
        async with self.sessions() as session:
            # Version first: a change committed meanwhile makes the next check rebuild again.
            version = await catalogue_version(session)
            documents = [build_naics_document(row) async for row in stream_rows(session, "naics")]
            details = [NaicsDetail.of(row) for row in await NaicsRepository(session).every_code()]
        index = await asyncio.to_thread(TypeaheadIndex, documents, version)
        encode = msgspec.json.encode
        self._index, self._details, self._answers = index, {d.code: encode(d) for d in details}, {}
        seconds = time.perf_counter() - started
        TYPEAHEAD_REBUILDS.inc()
        TYPEAHEAD_REBUILD_SECONDS.observe(seconds)
        log.debug("autocomplete index: %d codes in %.2fs", index.size, seconds)

    async def close(self) -> None:
        if self._refresh is not None and not self._refresh.done():
            self._refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresh


def warm_typeahead(app: Any) -> contextlib.AbstractAsyncContextManager[None]:
    """A background task for create_app(background=...): build the index at start-up, so
    the first keystroke does not pay for it."""

    @contextlib.asynccontextmanager
    async def warming() -> AsyncIterator[None]:
        task = asyncio.create_task(app.state.typeahead.index(), name="levelith-typeahead-warm")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    return warming()
