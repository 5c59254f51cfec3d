"""Versioned index definitions (opensearch/*.json) and the names they are served under.

Clients only ever talk to an alias ("naics", "experiences", optionally prefixed
for tests). Each alias points at a physical index named
``<prefix><alias>_v<version>_<UTC timestamp>``, so a mapping change means a new
version, a fresh index built beside the old one, and an atomic alias swap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from app.resources import index_definitions

INDEX_KINDS: tuple[str, ...] = ("naics", "experiences")

# OpenSearch index names are lowercase and may not start with "_", "-" or "+".
_PREFIX_RE = re.compile(r"^(?:[a-z0-9][a-z0-9_.-]*)?$")
_TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    kind: str
    version: int
    settings: dict[str, Any]
    mappings: dict[str, Any]

    def create_body(self) -> dict[str, Any]:
        """Body for ``indices.create`` (aliases are attached separately, at swap time)."""
        return {"settings": self.settings, "mappings": self.mappings}


def load_definition(kind: str, directory: Path | Traversable | None = None) -> IndexDefinition:
    """Read and check ``<directory>/<kind>.json`` (by default the shipped opensearch/ folder).

    The JSON files live at the repository root so ops can diff them without Python.
    """
    if kind not in INDEX_KINDS:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {INDEX_KINDS}")
    path = (directory or index_definitions()) / f"{kind}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{path}: 'version' must be a positive integer")
    settings, mappings = data.get("settings"), data.get("mappings")
    if not isinstance(settings, dict) or not isinstance(mappings, dict):
        raise ValueError(f"{path}: 'settings' and 'mappings' must be objects")
    # Strict mappings are the contract: a field the builder forgot to declare must
    # fail loudly at index time instead of being guessed by dynamic mapping.
    if mappings.get("dynamic") != "strict":
        raise ValueError(f'{path}: mappings must be "dynamic": "strict"')
    return IndexDefinition(kind=kind, version=version, settings=settings, mappings=mappings)


def _check_prefix(prefix: str) -> None:
    if not _PREFIX_RE.match(prefix):
        raise ValueError(f"invalid index name prefix {prefix!r}: lowercase letters, digits, '_', '.', '-'")


def alias_name(kind: str, prefix: str = "") -> str:
    """The alias that readers and writers use, e.g. ``naics`` or ``t1a2_naics``."""
    if kind not in INDEX_KINDS:
        raise ValueError(f"unknown index kind {kind!r}")
    _check_prefix(prefix)
    return f"{prefix}{kind}"


def physical_index_name(kind: str, version: int, *, prefix: str = "", now: datetime | None = None) -> str:
    """A new physical index name, e.g. ``naics_v1_20250101120000`` (UTC, second precision)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{alias_name(kind, prefix)}_v{version}_{moment.strftime(_TIMESTAMP_FORMAT)}"


def definition_version_of(index: str, kind: str, prefix: str = "") -> int | None:
    """The definition version a physical index of the alias was built from (None: not one)."""
    head = f"{alias_name(kind, prefix)}_v"
    version, _, _ = index.removeprefix(head).partition("_")
    return int(version) if index.startswith(head) and version.isdigit() else None


def physical_index_pattern(kind: str, prefix: str = "") -> str:
    """Wildcard matching every physical index of an alias (for listing and clean-up)."""
    return f"{alias_name(kind, prefix)}_v*"
