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

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.repositories.search_sources import catalogue_version, stream_rows
from app.search.naics_query import build_naics_document
from app.search.typeahead import TypeaheadIndex

log = logging.getLogger(__name__)


class Typeahead:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], refresh_seconds: float) -> None:
        self.sessions = sessions
        self.refresh_seconds = refresh_seconds
        self._index: TypeaheadIndex | None = None
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
        elif time.monotonic() >= self._check_at and (self._refresh is None or self._refresh.done()):
            self._check_at = time.monotonic() + self.refresh_seconds
            self._refresh = asyncio.create_task(self._refresh_if_changed(), name="levelith-typeahead")
        return self._index

    async def _first_build(self) -> None:
        async with self._build_lock:
            if self._index is not None or time.monotonic() < self._check_at:
                return
            # Whatever happens, PostgreSQL is not asked again before the next check is due:
            # while it is down, keystrokes go to the engine instead of queueing here.
            self._check_at = time.monotonic() + self.refresh_seconds
            try:
                self._index = await self._build()
            except Exception as exc:
                log.warning("autocomplete index not built, the engine answers meanwhile: %s", exc)

    async def _refresh_if_changed(self) -> None:
        try:
            async with self.sessions() as session:
                version = await catalogue_version(session)
            if self._index is not None and version != self._index.version:
                self._index = await self._build()
        except Exception as exc:
            # The index in hand stays: a stale catalogue beats no autocomplete.
            log.warning("autocomplete index not refreshed: %s", exc)

    async def _build(self) -> TypeaheadIndex:
        started = time.perf_counter()
        async with self.sessions() as session:
            # Version first: a change committed meanwhile makes the next check rebuild again.
            version = await catalogue_version(session)
            documents = [build_naics_document(row) async for row in stream_rows(session, "naics")]
        index = await asyncio.to_thread(TypeaheadIndex, documents, version)
        log.debug("autocomplete index: %d codes in %.2fs", index.size, time.perf_counter() - started)
        return index

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
