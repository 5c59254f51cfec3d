"""Column helpers shared by the seed's tables."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import DateTime, FetchedValue, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column


def new_id() -> str:
    # The seed's identifier: 32 hex characters (secrets.token_hex(16)).
    return secrets.token_hex(16)


def json_list_column() -> Mapped[list]:
    return mapped_column(JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb"))


def json_object_column() -> Mapped[dict]:
    return mapped_column(JSONB, nullable=False, default=dict, server_default=text("'{}'::jsonb"))


# Timestamps are naive UTC, as in the seed's TIMESTAMP columns.
UTC_NOW = text("timezone('utc', now())")


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(), nullable=False, server_default=UTC_NOW)


def updated_at_column() -> Mapped[datetime]:
    # A trigger sets it on every UPDATE (clock_timestamp(), taken after the row lock), so it is
    # strictly increasing per row; the indexer uses it as the search document's external version.
    return mapped_column(DateTime(), nullable=False, server_default=UTC_NOW, server_onupdate=FetchedValue())
