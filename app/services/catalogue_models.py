"""Models each API process builds from the NAICS catalogue, kept fresh without blocking requests.

A model (the in-memory autocomplete index, the learned classifier) is built from PostgreSQL
with the same document builder the indexer uses, on first use (or at start-up under
`levelith serve`). Afterwards, a use that finds the last check older than ``refresh_seconds``
starts one background check of the catalogue's version and, if it moved (an import, an edit, a
reindex of changed rows), a rebuild; callers never wait for either, they use the model they
have. So a catalogue change shows within about that many seconds, in every process, whichever
indexer or import made it, and without any message between processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.repositories.search_sources import catalogue_version, stream_rows
from app.search.naics_document import build_naics_document

log = logging.getLogger(__name__)


class CatalogueBuilt(Protocol):
    version: Any


M = TypeVar("M", bound=CatalogueBuilt)
R = TypeVar("R")


def _in_daemon_thread(build: Callable[..., R], *args: Any, name: str) -> Awaitable[R]:
    """``build(*args)`` in a daemon thread, awaited like asyncio.to_thread.

    Not to_thread: a thread of the loop's executor is joined when the loop closes, so stopping
    the service (or ending a test) in the middle of a training waited seconds for a model nobody
    would use. A daemon thread is abandoned instead; its result, if any, goes nowhere.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[R] = loop.create_future()

    def deliver(settle: Callable[[Any], None], value: Any) -> None:
        def on_loop() -> None:
            if not done.done():  # the caller was cancelled meanwhile
                settle(value)

        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(on_loop)

    def run() -> None:
        try:
            result = build(*args)
        except Exception as exc:
            deliver(done.set_exception, exc)
        else:
            deliver(done.set_result, result)

    threading.Thread(target=run, name=name, daemon=True).start()
    return done


class CatalogueModel(Generic[M]):
    """Holds one model built by ``build(documents, version)``; ``name`` is for the logs."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        refresh_seconds: float,
        build: Callable[[Iterable[dict[str, Any]], Any], M],
        name: str,
    ) -> None:
        self.sessions = sessions
        self.refresh_seconds = refresh_seconds
        self.name = name
        self._builder = build
        self._model: M | None = None
        self._build_lock = asyncio.Lock()
        self._check_at = 0.0
        self._refresh: asyncio.Task[None] | None = None
        self._first: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return self.refresh_seconds > 0

    @property
    def built_version(self) -> Any:
        """The catalogue version the model in hand was built from (None before the first)."""
        return self._model.version if self._model is not None else None

    async def current(self, *, wait: bool = True) -> M | None:
        """The current model; None when disabled or PostgreSQL could not be read yet.

        Only the very first call waits (for the first build), and only with ``wait``: without,
        the first build starts in the background and the caller goes without meanwhile. Later
        calls get what is there and, when it is due, start a check in the background.
        """
        if not self.enabled:
            return None
        if self._model is None:
            if wait:
                await self._first_build()
            elif self._first is None or self._first.done():
                self._first = asyncio.create_task(self._first_build(), name=f"levelith-{self.name}-first")
        else:
            self.check_soon()
        return self._model

    def check_soon(self) -> None:
        """Start the background freshness check if it is due (never waits)."""
        if time.monotonic() >= self._check_at and (self._refresh is None or self._refresh.done()):
            self._check_at = time.monotonic() + self.refresh_seconds
            self._refresh = asyncio.create_task(self._refresh_if_changed(), name=f"levelith-{self.name}")

    async def _first_build(self) -> None:
        async with self._build_lock:
            if self._model is not None or time.monotonic() < self._check_at:
                return
            # Whatever happens, PostgreSQL is not asked again before the next check is due:
            # while it is down, callers go without instead of queueing here.
            self._check_at = time.monotonic() + self.refresh_seconds
            try:
                self._install(await self._build())
            except Exception as exc:
                log.warning("%s not built, answering without it meanwhile: %s", self.name, exc)

    async def _refresh_if_changed(self) -> None:
        try:
            async with self.sessions() as session:
                version = await catalogue_version(session)
            if self._model is not None and version != self._model.version:
                self._install(await self._build())
        except Exception as exc:
            # The model in hand stays: a stale catalogue beats none.
            log.warning("%s not refreshed: %s", self.name, exc)

    def _install(self, model: M) -> None:
        # Synchronous, so that a subclass swapping companions of the model (cached answers)
        # with it leaves no await in between for a request to see a mix of old and new.
        self._model = model

    async def _build(self) -> M:
        started = time.perf_counter()
        async with self.sessions() as session:
            # Version first: a change committed meanwhile makes the next check rebuild again.
            version = await catalogue_version(session)
            documents = [build_naics_document(row) async for row in stream_rows(session, "naics")]
        model = await _in_daemon_thread(self._builder, documents, version, name=f"levelith-{self.name}-build")
        log.debug(
            "%s: built from %d codes in %.2fs", self.name, len(documents), time.perf_counter() - started
        )
        return model

    async def close(self) -> None:
        for task in (self._refresh, self._first):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def warm(self) -> contextlib.AbstractAsyncContextManager[None]:
        """A background task for create_app(background=...): build at start-up, so the first
        request does not pay for it."""

        @contextlib.asynccontextmanager
        async def warming() -> AsyncIterator[None]:
            task = asyncio.create_task(self.current(), name=f"levelith-{self.name}-warm")
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

        return warming()
