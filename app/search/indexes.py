"""Physical indexes behind the aliases: create, find, swap, clean up.

Readers use the alias (`naics`, `experiences`). While a reindex builds a new physical
index, a second alias (`<alias>_next`) points at it, and the indexer writes every change
to both: with external versions, whichever write lands last, the newest version wins,
so the new index is complete the moment the bulk load ends and the alias can swap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from opensearchpy import AsyncOpenSearch, NotFoundError

from app.search.definitions import alias_name, load_definition, physical_index_name, physical_index_pattern

log = logging.getLogger(__name__)

# OpenSearch's own default, for a definition that does not set one.
DEFAULT_REFRESH_INTERVAL = "1s"


@dataclass(frozen=True)
class IndexNames:
    kind: str
    prefix: str = ""

    @property
    def alias(self) -> str:
        return alias_name(self.kind, self.prefix)

    @property
    def next_alias(self) -> str:
        return f"{self.alias}_next"

    @property
    def pattern(self) -> str:
        return physical_index_pattern(self.kind, self.prefix)


class IndexManager:
    def __init__(self, client: AsyncOpenSearch, prefix: str = "") -> None:
        self.client = client
        self.prefix = prefix

    def names(self, kind: str) -> IndexNames:
        return IndexNames(kind, self.prefix)

    async def create(self, kind: str, settings: dict[str, Any] | None = None) -> str:
        """A new physical index from the definition; ``settings`` override the definition's."""
        definition = load_definition(kind)
        name = physical_index_name(kind, definition.version, prefix=self.prefix)
        suffix = 0
        while await self.client.indices.exists(index=name):  # two builds within one second
            suffix += 1
            name = f"{physical_index_name(kind, definition.version, prefix=self.prefix)}_{suffix}"
        body = definition.create_body()
        body["settings"] = {**body["settings"], **(settings or {})}
        await self.client.indices.create(index=name, body=body)
        return name

    async def _indexes_of(self, alias: str) -> list[str]:
        # A missing alias is an ordinary answer here (asked on every indexer batch); ignore=404
        # keeps it out of the client's warning log. The 404 body is an error object, not indexes.
        found = await self.client.indices.get_alias(name=alias, ignore=404)
        return sorted(name for name, info in found.items() if isinstance(info, dict) and "aliases" in info)

    async def live_index(self, kind: str) -> str | None:
        indexes = await self._indexes_of(self.names(kind).alias)
        return indexes[0] if indexes else None

    async def next_index(self, kind: str) -> str | None:
        indexes = await self._indexes_of(self.names(kind).next_alias)
        return indexes[0] if indexes else None

    async def write_aliases(self, kind: str) -> list[str]:
        """The write aliases of `kind`, for writers racing a swap or an emptied engine.

        Writing through an alias with require_alias can never auto-create a stray index: a
        physical index deleted by a swap, or an alias gone with the engine's data, is a 404
        the writer retries instead.
        """
        names = self.names(kind)
        aliases = []
        if await self._indexes_of(names.alias):
            aliases.append(names.alias)
        if await self._indexes_of(names.next_alias):
            aliases.append(names.next_alias)
        return aliases

    async def ensure(self, kind: str) -> str | None:
        """Create an empty live index if the alias points nowhere; return its name if created."""
        if await self.live_index(kind) is not None:
            return None
        name = await self.create(kind)
        await self.client.indices.put_alias(index=name, name=self.names(kind).alias)
        log.info("created empty index %s for alias %s", name, self.names(kind).alias)
        return name

    async def begin_build(self, kind: str) -> str:
        """A new physical index that receives live writes while it is being filled.

        It does not refresh until finish_build: nobody searches it yet, and a bulk load without
        periodic refreshes is OpenSearch's own advice for indexing speed.
        """
        await self.drop_orphans(kind)
        name = await self.create(kind, settings={"refresh_interval": "-1"})
        await self.client.indices.put_alias(index=name, name=self.names(kind).next_alias)
        return name

    async def finish_build(self, kind: str, new_index: str) -> None:
        """Give a filled index its own refresh interval back and make everything searchable."""
        interval = load_definition(kind).settings.get("refresh_interval", DEFAULT_REFRESH_INTERVAL)
        await self.client.indices.put_settings(
            index=new_index, body={"index": {"refresh_interval": interval}}
        )
        await self.client.indices.refresh(index=new_index)

    async def swap(self, kind: str, new_index: str) -> list[str]:
        """Point the alias at new_index in one atomic request; return the indexes it left."""
        names = self.names(kind)
        old = await self._indexes_of(names.alias)
        actions: list[dict[str, dict[str, str]]] = [
            {"remove": {"index": i, "alias": names.alias}} for i in old
        ]
        actions.append({"add": {"index": new_index, "alias": names.alias}})
        actions.append({"remove": {"index": new_index, "alias": names.next_alias}})
        await self.client.indices.update_aliases(body={"actions": actions})
        for index in old:
            if index != new_index:
                await self.client.indices.delete(index=index, ignore_unavailable=True)
        return [i for i in old if i != new_index]

    async def drop_orphans(self, kind: str) -> list[str]:
        """Delete physical indexes of this kind that no alias serves (an interrupted reindex)."""
        names = self.names(kind)
        try:
            found = await self.client.indices.get(index=names.pattern, expand_wildcards="open")
        except NotFoundError:
            return []
        orphans = [
            index
            for index, info in found.items()
            if not ({names.alias, names.next_alias} & set(info.get("aliases", {})))
        ]
        # A build left half-done keeps its _next alias; the caller is starting a new build.
        orphans += [index for index in await self._indexes_of(names.next_alias) if index not in orphans]
        for index in orphans:
            await self.client.indices.delete(index=index, ignore_unavailable=True)
        if orphans:
            log.info("removed orphaned indexes %s", orphans)
        return orphans
