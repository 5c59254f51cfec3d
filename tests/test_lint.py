"""Static checks that run with the suite, so CI fails on them like on any test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_dead_code_in_app_and_indexer() -> None:
    # vulture reads [tool.vulture] in pyproject.toml: app/, indexer/ and tests/vulture_whitelist.py.
    found = subprocess.run(
        [sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, (
        "vulture found code nothing uses; remove it, or list it in tests/vulture_whitelist.py "
        f"with the reason it is used:\n{found.stdout}{found.stderr}"
    )
