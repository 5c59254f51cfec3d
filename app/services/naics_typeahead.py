"""Each API process's in-memory autocomplete index (app.search.typeahead), kept fresh.

Built and refreshed like every per-process catalogue model (services.catalogue_models): an
edit to the catalogue shows within about TYPEAHEAD_REFRESH_SECONDS, in every process.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.search.typeahead import TypeaheadIndex
from app.services.catalogue_models import CatalogueModel


class Typeahead(CatalogueModel[TypeaheadIndex]):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], refresh_seconds: float) -> None:
        super().__init__(sessions, refresh_seconds, TypeaheadIndex, "autocomplete index")

    async def index(self) -> TypeaheadIndex | None:
        """The current index; None when disabled or PostgreSQL could not be read yet."""
        return await self.current()


def warm_typeahead(app: Any) -> contextlib.AbstractAsyncContextManager[None]:
    """Build the autocomplete index at start-up (a create_app background task)."""
    typeahead: Typeahead = app.state.typeahead
    return typeahead.warm()
