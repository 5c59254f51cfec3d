"""Static checks that run with the suite, so CI fails on them like on any test."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_dead_code_in_app_and_indexer() -> None:
    # vulture reads [tool.vulture] in pyproject.toml: app/, indexer/ and tests/lint/vulture_whitelist.py.
    found = subprocess.run(
        [sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, (
        "vulture found code nothing uses; remove it, or list it in tests/lint/vulture_whitelist.py "
        f"with the reason it is used:\n{found.stdout}{found.stderr}"
    )


def _imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):  # every scope: an import inside a function counts too
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_app_never_imports_indexer() -> None:
    # The dependency goes one way: indexer/ builds on app/, and the two are composed in
    # indexer/main.py (the `levelith` command). See docs/where-things-live.md.
    found = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        for line, module in _imported_modules(ast.parse(path.read_text(), str(path)))
        if module == "indexer" or module.startswith("indexer.")
    ]
    problems = "\n".join(found)
    assert not found, f"app/ imports indexer/; move the code that needs both into indexer/:\n{problems}"
