"""Each API process's in-memory autocomplete index (app.search.typeahead), kept fresh.

Built and refreshed like every per-process catalogue model (services.catalogue_models): an
edit to the catalogue shows within about TYPEAHEAD_REFRESH_SECONDS, in every process. Beside
the index, from the same rebuild, each process keeps every code's detail encoded once (GET
/api/v1/naics/{code} serves those bytes) and encoded autocomplete answers by query; both are
replaced together with the index, so neither is ever older than it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Hashable
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.metrics import TYPEAHEAD_REBUILD_SECONDS, TYPEAHEAD_REBUILDS
from app.repositories.naics import NaicsRepository
from app.schemas.naics import NaicsDetail
from app.search.typeahead import TypeaheadIndex
from app.services.catalogue_models import CatalogueModel
from app.services.naics_catalogue import NaicsCatalogue

# Encoded autocomplete answers kept per catalogue version (AUTOCOMPLETE_CACHE_SIZE): real
# typing repeats ("s", "so", "sof" ... from every user), and a hit skips the search and the
# encoding. Bounded memory: about 2 KB each.
DEFAULT_CACHED_ANSWERS = 20_000


class Typeahead(CatalogueModel[TypeaheadIndex]):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        refresh_seconds: float,
        cached_answers: int = DEFAULT_CACHED_ANSWERS,
    ) -> None:
        super().__init__(sessions, refresh_seconds, TypeaheadIndex, "autocomplete index")
        self.cached_answers = cached_answers
        self._details: dict[str, bytes] = {}
        self._answers: dict[Hashable, tuple[bytes, list[str]]] = {}
        self._next_details: dict[str, bytes] = {}

    async def index(self) -> TypeaheadIndex | None:
        """The current index; None when disabled or PostgreSQL could not be read yet."""
        return await self.current()

    def detail(self, code: str) -> bytes | None:
        """The encoded detail of a canonical code, if the index is built (never waits for it).

        Like a keystroke, a detail read starts the background freshness check when it is due,
        so details stay fresh with no autocomplete traffic at all.
        """
        if self._model is None:
            return None
        self.check_soon()
        return self._details.get(code)

    async def read_detail(self, code: str) -> bytes | NaicsDetail:
        """A canonical code's detail: encoded from memory, else read from PostgreSQL in a session
        of its own (CodeNotFound when there is no such code). No request session: this answers
        every pick of a suggestion, and opening one cost more than the in-memory read."""
        encoded = self.detail(code)
        if encoded is not None:
            return encoded
        async with self.sessions() as session:
            return NaicsDetail.of(await NaicsCatalogue(session).get(code))

    def forget(self, code: str) -> None:
        """This process just changed `code`: read it from PostgreSQL until the next rebuild."""
        self._details.pop(code, None)
        self._answers.clear()

    def answer(self, key: Hashable) -> tuple[bytes, list[str]] | None:
        """A cached autocomplete answer. A hit starts the freshness check when it is due, as a
        keystroke does: with every keystroke answered from here, nothing else would."""
        if self._model is not None:
            self.check_soon()
        return self._answers.get(key)

    def remember(self, key: Hashable, body: bytes, codes: list[str]) -> None:
        if len(self._answers) < self.cached_answers:
            self._answers[key] = (body, codes)

    async def _build(self) -> TypeaheadIndex:
        started = time.perf_counter()
        index = await super()._build()
        async with self.sessions() as session:
            details = [NaicsDetail.of(row) for row in await NaicsRepository(session).every_code()]
        encode = msgspec.json.encode
        self._next_details = {d.code: encode(d) for d in details}
        TYPEAHEAD_REBUILDS.inc()
        TYPEAHEAD_REBUILD_SECONDS.observe(time.perf_counter() - started)
        return index

    def _install(self, model: TypeaheadIndex) -> None:
        super()._install(model)
        self._details, self._answers, self._next_details = self._next_details, {}, {}


def warm_typeahead(app: Any) -> contextlib.AbstractAsyncContextManager[None]:
    """Build the autocomplete index at start-up (a create_app background task)."""
    typeahead: Typeahead = app.state.typeahead
    return typeahead.warm()
