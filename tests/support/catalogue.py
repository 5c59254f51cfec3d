"""The NAICS catalogue's state in one value, to show that a failed or killed import changed nothing."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.db.engine import async_url

# Everything a changed row would alter, in one value.
FINGERPRINT = """
SELECT count(*) AS rows,
       md5(string_agg(concat_ws('|', code, title, description, level, parent_code, sector, category,
                                keywords::text, aliases::text, is_active, updated_at), E'\\n' ORDER BY code))
FROM naics_codes
"""


def catalogue_fingerprint(settings: Settings) -> tuple[int, str]:
    async def read() -> tuple[int, str]:
        engine = create_async_engine(async_url(settings.database_url or ""), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                rows, digest = (await connection.execute(text(FINGERPRINT))).one()
                return int(rows), str(digest)
        finally:
            await engine.dispose()

    return asyncio.run(read())
