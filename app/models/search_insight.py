from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

# Longer queries are cut: nobody tunes a catalogue on the 101st character.
INSIGHT_QUERY_LENGTH = 100


class SearchInsightDay(Base):
    """Per day and normalised query text: how often it was asked, found nothing, was abandoned.

    Nothing else: no user, no address, no time of day. Rows older than the retention are
    deleted, and a day holds at most a configured number of distinct queries
    (app/services/search_insights.py), so the table stays small whatever the traffic.
    """

    __tablename__ = "search_insights_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(INSIGHT_QUERY_LENGTH), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    zero_results: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    abandoned: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
