"""PostgreSQL search fallback: fuzzystrmatch, the shared text normaliser, trigram index.

Revision ID: 0002_search
Revises: 0001
Create Date: 2026-11-26 09:00:00

When OpenSearch is unreachable the API answers from PostgreSQL with the same relevance
tiers. Those tiers compare normalised strings, so the database needs the same normaliser
as app/search/text.normalise_text (lowercase, accents folded, everything that is not a
letter or digit turned into one space). The fuzzy tier needs levenshtein() from
fuzzystrmatch. Experience search filters on word prefixes of one normalised document per
experience; a trigram GIN index over that expression lets LIKE '%word%' use an index.

The normaliser is declared IMMUTABLE although unaccent() is only STABLE: it names its
dictionary explicitly (public.unaccent), which is the documented way to make it safe for
an expression index. Calls between these functions are schema-qualified because an
index build runs them with a search_path of pg_catalog only.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_search"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NORMALISE = r"""
CREATE FUNCTION levelith_normalise(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
        lower(public.unaccent('public.unaccent'::regdictionary, normalize(coalesce(value, ''), NFKD))),
        '[^[:alnum:]]+', ' ', 'g'))
$$
"""

# Every scalar inside a JSON value (keys dropped), like flatten_type_data() for the index.
JSON_TEXT = r"""
CREATE FUNCTION levelith_json_text(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(v #>> '{}', ' '), '')
    FROM jsonb_path_query(coalesce(value, 'null'::jsonb), 'strict $.**') AS v
    WHERE jsonb_typeof(v) IN ('string', 'number')
$$
"""

EXPERIENCE_TEXT = r"""
CREATE FUNCTION levelith_experience_text(
    title text, description text, organization text, tags jsonb, type_data jsonb
) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT public.levelith_normalise(concat_ws(' ', title, organization, public.levelith_json_text(tags),
                                               public.levelith_json_text(type_data), description))
$$
"""

EXPERIENCE_INDEX = (
    "CREATE INDEX ix_experiences_search_trgm ON experiences USING gin "
    "(levelith_experience_text(title, description, organization, tags, type_specific_data) gin_trgm_ops)"
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    op.execute(NORMALISE)
    op.execute(JSON_TEXT)
    op.execute(EXPERIENCE_TEXT)
    op.execute(EXPERIENCE_INDEX)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_experiences_search_trgm")
    op.execute("DROP FUNCTION IF EXISTS levelith_experience_text(text, text, text, jsonb, jsonb)")
    op.execute("DROP FUNCTION IF EXISTS levelith_json_text(jsonb)")
    op.execute("DROP FUNCTION IF EXISTS levelith_normalise(text)")
    # fuzzystrmatch stays: other objects may depend on it and it costs nothing.
