"""Timestamps in responses: always UTC with an explicit offset.

The columns hold naive UTC (the seed's TIMESTAMP WITHOUT TIME ZONE); serialised as they are,
they would lack the offset that an RFC 3339 `date-time` (what the OpenAPI document promises)
requires, and a browser would read them as local time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)
