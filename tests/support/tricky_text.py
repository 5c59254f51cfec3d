"""Text that folding and normalising get wrong most easily: ligatures, full-width forms, dotted İ."""

from __future__ import annotations

TRICKY = [
    "Straße",
    "Ærøskøbing",
    "Œuvre",
    "Łódź",
    "ﬁle",
    "\uff26\uff55\uff4c\uff4c\uff0d\uff33\uff45\uff52\uff56\uff49\uff43\uff45",
    "ÀÉÎÕÜ ñ ç",
    "İstanbul",
    "Þór",
]
