"""Write results atomically: a crashed run never leaves half a JSON file or chart behind."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n")
    os.replace(partial, path)
    return path


def write_png(path: Path, figure: Figure) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    figure.savefig(partial, format="png", dpi=110, bbox_inches="tight")
    os.replace(partial, path)
    return path


def target(name: str, value: float | None, op: str, threshold: float) -> dict[str, Any]:
    """One target with its pass flag; a value that could not be measured fails."""
    passed: bool | None
    if value is None:
        passed = False
    elif op == ">=":
        passed = value >= threshold
    elif op == "<":
        passed = value < threshold
    elif op == "<=":
        passed = value <= threshold
    else:
        raise ValueError(f"unknown comparison {op!r}")
    return {
        "name": name,
        "value": None if value is None else round(value, 4),
        "target": f"{op} {threshold:g}",
        "pass": passed,
    }
