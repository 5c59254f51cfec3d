"""Response structs built from database rows: the columns a struct shares with its row by
name are copied, so a builder names only what it derives (labels, UTC timestamps)."""

from __future__ import annotations

from functools import cache
from typing import TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


@cache
def _required(cls: type[msgspec.Struct]) -> tuple[str, ...]:
    # Cached: msgspec.structs.fields resolves the type hints on every call (hundreds of µs).
    return tuple(f.name for f in msgspec.structs.fields(cls) if f.required)


def from_row(cls: type[S], row: object, **derived: object) -> S:
    """`cls` with every required field read from `row`'s attribute of the same name, except
    those given in `derived`; a field with a default keeps it unless `derived` gives one."""
    copied = {name: getattr(row, name) for name in _required(cls) if name not in derived}
    return cls(**copied, **derived)
