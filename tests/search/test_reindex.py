from __future__ import annotations

from opensearchpy import AsyncOpenSearch
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.models import NaicsCode
from app.naics.builtin import builtin_records
from app.search.indexes import IndexManager
from indexer.reindex import reindex


async def _load_builtin(session: AsyncSession) -> int:
    if await session.scalar(text("SELECT count(*) FROM naics_codes")):
        return int(await session.scalar(text("SELECT count(*) FROM naics_codes")) or 0)
    records = builtin_records()
    for record in records:
        session.add(NaicsCode(**{f: getattr(record, f) for f in record.__struct_fields__}))
    await session.commit()
    return len(records)


async def test_reindex_builds_a_new_index_and_swaps_the_alias(
    settings: Settings, db_engine: AsyncEngine, db_session: AsyncSession
) -> None:
    expected = await _load_builtin(db_session)
    client = AsyncOpenSearch(hosts=[settings.opensearch_url])
    sessions = async_sessionmaker(db_engine, expire_on_commit=False)
    manager = IndexManager(client, settings.index_prefix)
    try:
        await manager.ensure("naics")
        first_live = await manager.live_index("naics")
        seen: list[tuple[int, int]] = []
        summary = await reindex(
            "naics", client, sessions, prefix=settings.index_prefix, progress=lambda d, t: seen.append((d, t))
        )
        assert summary.indexed == expected
        assert seen[-1] == (expected, expected)
        live = await manager.live_index("naics")
        assert live == summary.index != first_live
        assert summary.removed_indexes == [first_live]
        alias = manager.names("naics").alias
        assert (await client.count(index=alias))["count"] == expected
        doc = await client.get(index=alias, id="541511")
        assert doc["_source"]["sector_title"] == "Professional, Scientific, and Technical Services"
        version = await db_session.scalar(
            text("SELECT levelith_micros(updated_at) FROM naics_codes WHERE code = '541511'")
        )
        assert doc["_version"] >= version
        # The shipped former and SIC codes are searchable keyword fields.
        await client.indices.refresh(index=alias)

        async def codes_where(field: str, value: str) -> list[str]:
            found = await client.search(index=alias, body={"query": {"term": {field: value}}, "size": 10})
            return sorted(hit["_id"] for hit in found["hits"]["hits"])

        assert await codes_where("former_codes", "511210") == ["513210"]
        assert await codes_where("sic_codes", "7372") == ["334610", "513210"]
    finally:
        await client.close()


async def test_a_rebuilt_index_refreshes_again_once_filled(
    settings: Settings, db_engine: AsyncEngine
) -> None:
    # Refresh is off while the new index fills; left off, nothing written after the swap
    # would ever become searchable on OpenSearch.
    client = AsyncOpenSearch(hosts=[settings.opensearch_url])
    sessions = async_sessionmaker(db_engine, expire_on_commit=False)
    try:
        summary = await reindex("experiences", client, sessions, prefix=settings.index_prefix)
        found = await client.indices.get_settings(index=summary.index, name="index.refresh_interval")
        assert found[summary.index]["settings"]["index"]["refresh_interval"] == "500ms"
    finally:
        await client.close()
