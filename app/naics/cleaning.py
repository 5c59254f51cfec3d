"""Clean the text quirks of the Census Bureau's NAICS files.

Quirks handled (see ../shared/naics/README.md):
- titles with trailing spaces (codes file);
- titles ending in a stray table marker "T" (descriptions file: "Crop ProductionT");
- descriptions ending with an empty cross-reference lead-in
  ("Cross-References. Establishments primarily engaged in--") whose list
  was lost in the export;
- index rows "******" that point at no code.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

# The marker is an uppercase T glued to the last word. On the real files it
# always follows a lowercase letter or ")", and no title in the codes file
# (which has no marker) ends that way, so the rule cannot eat a real letter;
# titles ending in an acronym ("... IT") keep their T because it follows an
# uppercase letter.
_TABLE_MARKER: Final = re.compile(r"(?<=[a-z)])T$")

# Trailing "Cross-References." plus an optional dangling lead-in ending in
# "--" or ":" with nothing after it. The Census file also spells it
# "Cross-references." (325194, 331313, ...).
_DANGLING_CROSS_REFERENCES: Final = re.compile(
    r"\s*Cross-References\.(?:\s*[^.\n]*?(?:--|:))?\s*$",
    re.IGNORECASE,
)

# "Subsector 312", "Industry Group 5615", "Sector 44-45", "U.S. Industry 541511".
_CODE_REFERENCE: Final = re.compile(
    r"\b(?:Sectors?|Subsectors?|Industry Groups?|(?:U\.S\. )?Industry|Industries)\s+"
    r"(\d{2}-\d{2}|\d{2,6})\b"
)

# "Illustrative Examples:" then one example per line, up to the next blank line.
_ILLUSTRATIVE_EXAMPLES: Final = re.compile(
    r"Illustrative Examples:[^\S\n]*\n\s*(.*?)(?:\n[^\S\n]*\n|\Z)", re.IGNORECASE | re.DOTALL
)

_SPACES: Final = re.compile(r"[^\S\n]+")
_BLANK_LINES: Final = re.compile(r"\n{3,}")


class CleanDescription(NamedTuple):
    text: str | None
    # Codes the description refers to, as written (may be 5-digit or a range);
    # the caller resolves them against the catalogue it has.
    cross_references: list[str]


def clean_title(raw: str) -> str:
    """Strip whitespace (inner runs collapsed) and the stray table marker "T"."""
    title = " ".join(raw.split())
    return _TABLE_MARKER.sub("", title)


def clean_description(raw: str | None) -> CleanDescription:
    """Normalise whitespace, drop a dangling cross-reference lead-in, list referenced codes.

    Paragraph breaks are kept (the sector texts are several paragraphs long);
    runs of spaces and tabs become one space.
    """
    if raw is None:
        return CleanDescription(None, [])
    lines = [_SPACES.sub(" ", line).strip() for line in raw.replace("\r\n", "\n").split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    text = _DANGLING_CROSS_REFERENCES.sub("", text).strip()
    references: list[str] = []
    for match in _CODE_REFERENCE.finditer(text):
        if match.group(1) not in references:
            references.append(match.group(1))
    return CleanDescription(text or None, references)


def illustrative_examples(description: str | None) -> list[str]:
    """The "Illustrative Examples:" list of a (cleaned) description, one item per line."""
    if not description:
        return []
    match = _ILLUSTRATIVE_EXAMPLES.search(description)
    if match is None:
        return []
    return [line.strip() for line in match.group(1).split("\n") if line.strip()]


def is_index_placeholder(value: object) -> bool:
    """True for the "******" code cell of index rows that point at no industry."""
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    return bool(stripped) and set(stripped) == {"*"}
