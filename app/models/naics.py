from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.models.columns import created_at_column, json_list_column, updated_at_column


class NaicsCode(Base):
    """The seed's naics_codes table (25 columns) plus where its data came from.

    Hierarchy denormalised for fast filters. Added to the seed (migration 0003):
    ``index_keywords``, the subset of ``keywords`` that came from the Census index file (an
    import of another index file replaces exactly these; keywords added by hand stay), and
    ``naics_2017_codes`` / ``sic_codes``, the former and foreign codes a 2022 code came from.
    ``keywords`` stays the complete list that search reads.
    """

    __tablename__ = "naics_codes"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)

    level: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    sector: Mapped[str | None] = mapped_column(String(2), index=True)
    subsector: Mapped[str | None] = mapped_column(String(3), index=True)
    industry_group: Mapped[str | None] = mapped_column(String(4), index=True)
    industry_detail: Mapped[str | None] = mapped_column(String(6))

    category: Mapped[str] = mapped_column(String(50), nullable=False, index=True)

    sba_size_standard: Mapped[str | None] = mapped_column(String(255))
    sba_source: Mapped[str | None] = mapped_column(String(255))

    keywords: Mapped[list[str]] = json_list_column()
    aliases: Mapped[list[str]] = json_list_column()
    examples: Mapped[str | None] = mapped_column(Text)
    cross_references: Mapped[list[str]] = json_list_column()
    notes: Mapped[str | None] = mapped_column(Text)

    tags: Mapped[list[str]] = json_list_column()
    custom_category: Mapped[str | None] = mapped_column(String(100))
    admin_notes: Mapped[str | None] = mapped_column(Text)

    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=true())
    year: Mapped[int] = mapped_column(Integer, nullable=False, default=2022, server_default=text("2022"))
    data_source: Mapped[str | None] = mapped_column(String(255))

    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    index_keywords: Mapped[list[str]] = json_list_column()
    naics_2017_codes: Mapped[list[str]] = json_list_column()
    sic_codes: Mapped[list[str]] = json_list_column()

    __table_args__ = (
        Index("ix_naics_codes_keywords_gin", "keywords", postgresql_using="gin"),
        Index("ix_naics_codes_aliases_gin", "aliases", postgresql_using="gin"),
        # successors_of_2017() and naics_for_sic() look codes up with jsonb "?".
        Index("ix_naics_codes_naics_2017_codes_gin", "naics_2017_codes", postgresql_using="gin"),
        Index("ix_naics_codes_sic_codes_gin", "sic_codes", postgresql_using="gin"),
    )
