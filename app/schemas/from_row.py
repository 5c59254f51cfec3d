"""Response structs built from database rows: the columns a struct shares with its row by
name are copied, so a builder names only what it derives (labels, UTC timestamps)."""

from __future__ import annotations

from typing import TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def from_row(cls: type[S], row: object, **derived: object) -> S:
    """`cls` with every required field read from `row`'s attribute of the same name, except
    those given in `derived`; a field with a default keeps it unless `derived` gives one."""
    copied = {
        f.name: getattr(row, f.name)
        for f in msgspec.structs.fields(cls)
        if f.required and f.name not in derived
    }
    return cls(**copied, **derived)
