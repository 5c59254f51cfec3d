"""What `levelith serve` does before it answers requests."""

from __future__ import annotations

import logging
import time

from app.config import Settings
from app.db import migrations

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> None:
    """Migrate and load the shipped catalogue if empty.

    The search indexes come after this, in indexer.health.ensure_search_indexes: building them is
    the indexer's work, and app/ does not import indexer/.
    """
    assert settings.database_url
    log.info("%s", (await migrations.upgrade(settings.database_url)).describe())
    await seed_catalogue_if_empty(settings)


async def seed_catalogue_if_empty(settings: Settings) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db.engine import create_engine
    from app.repositories.naics import NaicsRepository
    from app.services.naics_import import seed_if_empty

    engine = create_engine(settings, pool=False)
    started = time.perf_counter()
    try:
        async with AsyncSession(engine) as session:
            summary = await seed_if_empty(session)
            codes = await NaicsRepository(session).count()
    finally:
        await engine.dispose()
    if summary is not None:
        log.info(
            "NAICS catalogue was empty: loaded the shipped catalogue (%d codes, %d index items) in %.1fs",
            summary.inserted,
            summary.index_items_attached,
            time.perf_counter() - started,
        )
    else:
        log.info("NAICS catalogue: %d codes", codes)
