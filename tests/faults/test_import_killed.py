"""An import killed (SIGKILL) half way, while it is writing: the catalogue is exactly as before."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.db.engine import async_url
from tests.support.catalogue import catalogue_fingerprint as _catalogue

# The import's own connection, inside its open transaction, having started to write codes.
WRITING = text(
    """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL AND query ILIKE '%INSERT INTO naics_codes%'
    """
)
CONNECTED = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _count(settings: Settings, query: object) -> int:
    async def read() -> int:
        engine = create_async_engine(async_url(settings.database_url or ""), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(query)).scalar_one())  # type: ignore[arg-type]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_an_import_killed_while_writing_leaves_the_catalogue_as_it_was(
    settings: Settings, census_paths: list[Path]
) -> None:
    before = _catalogue(settings)
    env = {**os.environ, "DATABASE_URL": settings.database_url or "", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "naics", "import", *map(str, census_paths)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _count(settings, WRITING) == 0:
            assert process.poll() is None, "the import finished before it could be killed"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    # PostgreSQL rolls the open transaction back when the dead client's connection closes.
    deadline = time.monotonic() + 30
    while _count(settings, CONNECTED) > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.returncode == -signal.SIGKILL
    assert _catalogue(settings) == before
