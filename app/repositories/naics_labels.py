"""Titles and sectors of NAICS codes, as experiences show them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NaicsCode


class NaicsLabelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def is_active_code(self, code: str) -> bool:
        found = await self.session.scalar(
            select(NaicsCode.code).where(NaicsCode.code == code, NaicsCode.is_active.is_(True))
        )
        return found is not None

    async def labels(self, codes: Iterable[str]) -> dict[str, tuple[str, str | None, str | None]]:
        """code -> (title, sector, sector title) for the codes that exist."""
        wanted = set(codes)
        if not wanted:
            return {}
        rows = (
            await self.session.execute(
                select(NaicsCode.code, NaicsCode.title, NaicsCode.sector).where(NaicsCode.code.in_(wanted))
            )
        ).all()
        sectors = {sector for _, _, sector in rows if sector}
        sector_titles = (
            dict(
                (
                    await self.session.execute(
                        select(NaicsCode.code, NaicsCode.title).where(NaicsCode.code.in_(sectors))
                    )
                ).all()
            )
            if sectors
            else {}
        )
        return {code: (title, sector, sector_titles.get(sector)) for code, title, sector in rows}
