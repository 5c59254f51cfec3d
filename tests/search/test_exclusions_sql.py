"""The PostgreSQL fallback drops the same exclusion clauses as the engine's documents.

app.search.naics_document.kept_text (Python, for the engine and the in-memory index) and its
SQL twin in app.repositories.naics_search_pg must leave every catalogue text the same words,
or the fallback would put a row in another tier than the engine does.
"""

from __future__ import annotations

from sqlalchemy import ARRAY, String, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.naics.builtin import builtin_data
from app.naics.exclusions import EXCLUSION_SQL, EXCLUSION_SQL_LEAD
from app.repositories.naics_search_pg import kept_sql
from app.search.naics_document import kept_text

_KEPT = text(
    f"SELECT {kept_sql('x.t', 'levelith_normalise(x.t)')} AS kept "
    "FROM unnest(CAST(:texts AS text[])) WITH ORDINALITY AS x(t, i) ORDER BY i"
).bindparams(bindparam("texts", type_=ARRAY(String)))


def _catalogue_texts() -> list[str]:
    texts = ["Lockers (EXCEPT refrigerated)", "except", "Services, excluding\ntaxis; and buses"]
    texts += ["Exceptional children", "(except farm"]
    for entry in builtin_data().codes:
        texts += [entry.title, entry.description or "", *entry.aliases, *entry.index_items]
    return texts


async def test_every_catalogue_text_keeps_the_same_words_in_both(db_session: AsyncSession) -> None:
    texts = _catalogue_texts()
    params = {"texts": texts, "exclusion": EXCLUSION_SQL, "exclusion_lead": EXCLUSION_SQL_LEAD}
    rows = (await db_session.execute(_KEPT, params)).scalars().all()
    differ = [(t, kept_text(t), sql) for t, sql in zip(texts, rows, strict=True) if kept_text(t) != sql]
    assert not differ, differ[:5]
    # The catalogue does exclude things: the comparison is not of unchanged texts only.
    assert sum(kept_text(t) != kept_text(t.replace("except", "")) for t in texts) > 1000
