from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class SearchOutbox(Base):
    """Transactional outbox: one row per search document that may have changed.

    Rows are written by database triggers (see the first migration) in the same
    transaction as the change itself, so no code path, bulk import or manual SQL
    can change a search document's source without the indexer hearing of it.
    `entity` is 'naics', 'experience' or 'user'; a 'user' row stands for all of
    that user's experience documents (username or active flag changed).
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(32), nullable=False)
    # Microseconds since the epoch of the change (clock_timestamp()): the external
    # version used for a delete, when no row is left to read a version from.
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(), nullable=False, server_default=text("timezone('utc', clock_timestamp())")
    )

    __table_args__ = (Index("ix_search_outbox_entity", "entity", "entity_id"),)
