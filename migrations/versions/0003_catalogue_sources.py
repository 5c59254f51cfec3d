"""Catalogue sources: index keywords apart, former NAICS 2017 and SIC codes.

Revision ID: 0003_catalogue_sources
Revises: 0002_search
Create Date: 2026-12-06 16:30:00

Columns as autogenerate writes them from app/models/naics.py. Then, for a database that
already holds a catalogue (a fresh one is seeded from the package's data file after this
runs), the former and SIC codes are filled from that file, and ``index_keywords`` from the
keywords that are Census index items of their code, so the next index import replaces them
instead of keeping them as if added by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_catalogue_sources"
down_revision: str | None = "0002_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIST_COLUMNS = ("index_keywords", "naics_2017_codes", "sic_codes")

_BACKFILL = sa.text(
    """
    UPDATE naics_codes SET
        naics_2017_codes = CAST(:naics_2017_codes AS jsonb),
        sic_codes = CAST(:sic_codes AS jsonb),
        index_keywords = coalesce(
            (SELECT jsonb_agg(k.value ORDER BY k.position)
             FROM jsonb_array_elements_text(naics_codes.keywords) WITH ORDINALITY AS k(value, position)
             WHERE lower(k.value) = ANY(CAST(:items AS text[]))),
            '[]'::jsonb)
    WHERE code = :code
    """
)


def upgrade() -> None:
    for name in _LIST_COLUMNS:
        op.add_column(
            "naics_codes",
            sa.Column(
                name,
                postgresql.JSONB(astext_type=sa.Text()),
                server_default=sa.text("'[]'::jsonb"),
                nullable=False,
            ),
        )
    op.create_index(
        "ix_naics_codes_naics_2017_codes_gin",
        "naics_codes",
        ["naics_2017_codes"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_naics_codes_sic_codes_gin", "naics_codes", ["sic_codes"], unique=False, postgresql_using="gin"
    )
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT EXISTS (SELECT 1 FROM naics_codes)")).scalar():
        return
    import json

    from app.naics.builtin import builtin_data

    rows = [
        {
            "code": entry.code,
            "naics_2017_codes": json.dumps(entry.naics_2017_codes),
            "sic_codes": json.dumps(entry.sic_codes),
            "items": [item.lower() for item in entry.index_items],
        }
        for entry in builtin_data().codes
    ]
    bind.execute(_BACKFILL, rows)


def downgrade() -> None:
    op.drop_index("ix_naics_codes_sic_codes_gin", table_name="naics_codes", postgresql_using="gin")
    op.drop_index("ix_naics_codes_naics_2017_codes_gin", table_name="naics_codes", postgresql_using="gin")
    for name in reversed(_LIST_COLUMNS):
        op.drop_column("naics_codes", name)
