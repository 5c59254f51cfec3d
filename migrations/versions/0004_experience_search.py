"""Experience search in PostgreSQL: full-text GIN index, sort index; the trigram index goes.

Revision ID: 0004_experience_search
Revises: 0002_search
Create Date: 2026-12-06 16:00:00

The fallback matched each query word with LIKE '%word%' (trigram GIN) and then checked
word starts by recomputing the normalised document per candidate row: at 100,000
experiences a common word made that a scan of most of the table. Word-start matching is
exactly a prefix term of a 'simple' tsvector over the same normalised text (which holds
nothing but letters, digits and single spaces), so a GIN index over that expression answers
it directly. It is an expression index rather than a stored tsvector column: the
experiences table keeps the seed's 17 columns, and nothing else has to keep it current.

The blank query (filters only) lists newest first; a btree in exactly that order lets a page
stop after `limit` rows instead of sorting every match. The filter columns (category,
experience_type, naics_code, user_id) have had btree indexes since 0001.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_experience_search"
down_revision: str | None = "0003_catalogue_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled exactly as app/repositories/experience_search_pg.py queries it.
DOCUMENT = "levelith_experience_text(title, description, organization, tags, type_specific_data)"


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_experiences_search_tsv ON experiences USING gin "
        f"(to_tsvector('simple'::regconfig, {DOCUMENT}))"
    )
    op.execute(
        "CREATE INDEX ix_experiences_newest ON experiences "
        "(start_date DESC NULLS LAST, created_at DESC NULLS LAST, id)"
    )
    op.execute("DROP INDEX IF EXISTS ix_experiences_search_trgm")


def downgrade() -> None:
    op.execute(f"CREATE INDEX ix_experiences_search_trgm ON experiences USING gin ({DOCUMENT} gin_trgm_ops)")
    op.execute("DROP INDEX IF EXISTS ix_experiences_newest")
    op.execute("DROP INDEX IF EXISTS ix_experiences_search_tsv")
