"""Search insights: per day and normalised query, counts of searches, empty results, abandons.

Revision ID: 0006_search_insights
Revises: 0002_search
Create Date: 2026-12-06 16:30:00

Only normalised query text and counts are stored (no user, no address, no time of day);
the service deletes days older than SEARCH_INSIGHTS_RETENTION_DAYS.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_search_insights"
down_revision: str | None = "0005_account_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_insights_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("searches", sa.Integer(), server_default="0", nullable=False),
        sa.Column("zero_results", sa.Integer(), server_default="0", nullable=False),
        sa.Column("abandoned", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("day", "query"),
    )


def downgrade() -> None:
    op.drop_table("search_insights_daily")
