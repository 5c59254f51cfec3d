"""Usernames and e-mail addresses unique regardless of case.

Revision ID: 0005_account_security
Revises: 0002_search
Create Date: 2026-12-06 16:30:00

The application already looked names up case-insensitively, but two registrations of "Ann"
and "ann" racing past that check both reached the case-sensitive unique indexes and both
succeeded. Unique indexes on lower(...) make the database refuse the second one (the service
turns it into a 409 naming the field). The upgrade fails if existing rows already collide:
resolve those by hand first (SELECT lower(username), count(*) FROM users GROUP BY 1 HAVING
count(*) > 1).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_account_security"
down_revision: str | None = "0004_experience_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE UNIQUE INDEX uq_users_username_lower ON users (lower(username))")
    op.execute("CREATE UNIQUE INDEX uq_users_email_lower ON users (lower(email))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS uq_users_email_lower")
    op.execute("DROP INDEX IF EXISTS uq_users_username_lower")
