"""Where the benchmarks find the checkout, the official Census files and their results."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "bench" / "results"


def shared_dir() -> Path:
    """``../shared`` beside the checkout, unless LEVELITH_SHARED_DIR says otherwise."""
    return Path(os.environ.get("LEVELITH_SHARED_DIR") or REPO_ROOT.parent / "shared")


def census_dir() -> Path:
    return shared_dir() / "naics"
