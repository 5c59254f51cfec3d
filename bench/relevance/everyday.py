"""The everyday query set (everyday.tsv): industry names as people type them, codes checked by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EVERYDAY_FILE = Path(__file__).with_name("everyday.tsv")


@dataclass(frozen=True)
class EverydayQuery:
    text: str
    code: str
    # The index item or title that shows the code is right.
    support: str


def read_everyday(path: Path = EVERYDAY_FILE) -> list[EverydayQuery]:
    out: list[EverydayQuery] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, code, support = line.split("\t")
        out.append(EverydayQuery(text, code, support))
    return out
