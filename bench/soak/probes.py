"""What the soak watches on the API process and the database while traffic runs."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


def rss_kib(pid: int) -> int | None:
    """Resident set size of `pid` in KiB (Linux /proc), None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def open_fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


async def database_connections(engine: AsyncEngine) -> dict[str, int] | None:
    """Backends connected to the soak's database by state, this probe's own left out."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1"
                )
            )
            return {str(state): int(count) for state, count in rows}
    except Exception:
        return None
