"""Load the official catalogue through the `levelith` command line, as an operator would."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bench.common.cli import CliFailed, run_levelith

log = logging.getLogger(__name__)


def import_catalogue(env: dict[str, str], codes: Path, descriptions: Path, index: Path) -> dict[str, Any]:
    """Migrate, import the three Census files (--clear), build the NAICS search index."""
    steps: dict[str, Any] = {}
    run_levelith(["db", "upgrade"], env)
    imported = run_levelith(["naics", "import", str(codes), str(descriptions), str(index), "--clear"], env)
    steps["import_seconds"] = round(imported.seconds, 2)
    try:
        reindexed = run_levelith(["reindex", "naics"], env)
        steps["reindex_naics_seconds"] = round(reindexed.seconds, 2)
    except CliFailed as exc:
        # serve's start-up check builds a missing or stale index; the bench waits for it.
        log.warning("levelith reindex naics failed; relying on serve's start-up check: %s", exc)
        steps["reindex_naics_seconds"] = None
    return steps
