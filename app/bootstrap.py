"""What `levelith serve` does before it answers requests."""

from __future__ import annotations

import logging
import time

from app.config import Settings
from app.db import migrations

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> None:
    """Migrate, load the shipped catalogue if empty, and make sure the search indexes exist."""
    assert settings.database_url
    log.info("migrating the database")
    await migrations.upgrade(settings.database_url)
    await seed_catalogue_if_empty(settings)
    await ensure_search_indexes(settings)


async def seed_catalogue_if_empty(settings: Settings) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db.engine import create_engine
    from app.services.naics_import import seed_if_empty

    engine = create_engine(settings, pool=False)
    started = time.perf_counter()
    try:
        async with AsyncSession(engine) as session:
            summary = await seed_if_empty(session)
    finally:
        await engine.dispose()
    if summary is not None:
        log.info(
            "naics_codes was empty: loaded the shipped catalogue (%d codes, %d index items) in %.1fs",
            summary.inserted,
            summary.index_items_attached,
            time.perf_counter() - started,
        )


async def ensure_search_indexes(settings: Settings) -> None:
    """Rebuild any index that is missing or incomplete (osmem keeps nothing across restarts)."""
    from app.db.engine import create_engine, session_factory
    from indexer.health import ensure_complete
    from indexer.worker import indexer_client

    if not settings.opensearch_url:
        return
    engine = create_engine(settings)
    client = indexer_client(settings)
    try:
        for summary in await ensure_complete(client, session_factory(engine), settings.index_prefix):
            log.info(
                "built search index %s: %d documents in %.1fs",
                summary.index,
                summary.indexed,
                summary.seconds,
            )
    finally:
        await client.close()
        await engine.dispose()
