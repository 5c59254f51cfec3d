"""What a code is *not*: the Census's exclusion clauses.

"Lockers (except refrigerated) merchant wholesalers", "Lawn mowers (except farm-type)
manufacturing", "... engaged in manufacturing chemical products (except basic chemicals,
resins, ...)". To a bag of words the excluded words look like what the code is: 424490's
index items say "(except frozen)" and "(except dry, frozen, canned)" again and again, so
"frozen" pulled frozen-food queries towards it. Split out, the excluded words still tie texts
that exclude the same thing in the classifier (app.naics.classifier), but no longer count as
the thing; the search tiers read rows and queries without them (app.search.naics_document
.kept_text, app.search.text.prepare_query).

Development split (bench/relevance/classify_offline.py), classifier alone, top-1 / top-5 /
top-10: 0.7467 / 0.9220 / 0.9539 -> 0.7653 / 0.9264 / 0.9555 with the excluded words kept
apart in the word grams and dropped from the character grams; dropped from both, 0.7533;
dropped from the training texts only, 0.7246.

A code's title is the exception: its clause names the neighbour the title is told from
("Casinos (except Casino Hotels)"), and that is often the only place the code's own name is
written in the singular. The classifier reads titles with the clause as plain words
(with_exclusions_as_words): development split top-1 unchanged (0.7653), top-10 0.9555 ->
0.9558, and "casino" finds 713210 first again instead of 721120 Casino Hotels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

# "(except ...)" up to its parenthesis, else "except ..." or "excluding ..." up to the next
# punctuation; the lead word is a group of either branch.
EXCLUSION: Final = re.compile(
    r"\(\s*(except|excluding)\b([^)]*)\)|\b(except|excluding)\b([^.;:,()\n]*)",
    re.IGNORECASE,
)
# The same clauses in PostgreSQL's regular expressions (\y is its word boundary), and what
# replaces one there for without_exclusions(keep_lead=True): the search fallback
# (app.repositories.naics_search_pg); tests/search/test_exclusions_sql.py holds the twins to
# the same answers.
EXCLUSION_SQL: Final = r"\(\s*(except|excluding)\y[^)]*\)|\y(except|excluding)\y[^.;:,()\n]*"
EXCLUSION_SQL_LEAD: Final = r" \1\2 "


def exclusion_parts(text: str) -> Iterator[tuple[str, bool]]:
    """The text in order, as (part, whether it is excluded); an excluded part is the words
    after "except" or "excluding", without them."""
    at = 0
    for match in EXCLUSION.finditer(text):
        if match.start() > at:
            yield text[at : match.start()], False
        if excluded := (match.group(2) or match.group(4) or "").strip():
            yield excluded, True
        at = match.end()
    if at < len(text):
        yield text[at:], False


def without_exclusions(text: str, *, keep_lead: bool = False) -> str:
    """The text with its exclusion clauses left out; keep_lead keeps their "except" or
    "excluding" in their place."""
    if keep_lead:
        return EXCLUSION.sub(lambda m: f" {m.group(1) or m.group(3)} ", text)
    return " ".join(part for part, excluded in exclusion_parts(text) if not excluded)


def with_exclusions_as_words(text: str) -> str:
    """The text with each exclusion clause's words kept as plain words, without the "except"
    or "excluding" that leads them: "Casinos (except Casino Hotels)" -> "Casinos Casino
    Hotels"."""
    return " ".join(" ".join(part for part, _ in exclusion_parts(text)).split())
