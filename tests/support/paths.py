"""Where the repository and the shared reference material (../shared) are."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    # A fresh clone has no ../shared; LEVELITH_SHARED_DIR points elsewhere.
    return Path(os.environ.get("LEVELITH_SHARED_DIR") or REPO_ROOT.parent / "shared")
