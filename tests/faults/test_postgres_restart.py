"""PostgreSQL restarted while requests run: 503 with a retry hint, then the pool recovers."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.engines import EngineSet


@get("/probe-db")
async def probe_db(db_session: AsyncSession) -> dict[str, int]:
    return {"one": int(await db_session.scalar(text("SELECT 1")) or 0)}


async def test_requests_during_a_postgres_restart_get_503_then_recover(
    app: Litestar, engines: EngineSet
) -> None:
    if engines.postgres is None:
        pytest.skip("needs the embedded PostgreSQL, which the tests can stop and start")
    app.register(probe_db)
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/probe-db")).json() == {"one": 1}
        engines.postgres.pause()
        try:
            during = await client.get("/probe-db")
            assert during.status_code == 503
            assert during.headers["retry-after"] == "5"
            body = during.json()
            # The error contract (docs/errors.md): a short code, and the part that is down named.
            assert body["error"] == "unavailable"
            assert "database" in body["detail"]
            assert body["request_id"] == during.headers["x-request-id"]
            assert "Traceback" not in during.text
        finally:
            engines.postgres.resume()
        # pre-ping throws away the dead pooled connections; no restart of the app needed.
        after = await client.get("/probe-db")
        assert after.status_code == 200
        assert after.json() == {"one": 1}


def test_a_restarting_server_is_a_503_not_a_500() -> None:
    """While PostgreSQL starts up or shuts down it refuses with SQLSTATE 57P03, which asyncpg raises
    as a plain PostgresError (no OperationalError, no invalidated connection): found by bench/faults."""
    import asyncpg
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
    from sqlalchemy.exc import DBAPIError

    from app.errors import database_error_handler

    def wrapped(error: Exception) -> DBAPIError:
        translated = AsyncAdapt_asyncpg_dbapi.Error(str(error))
        translated.__cause__ = error
        return DBAPIError("SELECT 1", {}, translated)

    class _Request:
        method, url = "GET", type("U", (), {"path": "/x"})()

        def __init__(self) -> None:
            self.scope: dict[str, object] = {"type": "http", "headers": []}

    starting = database_error_handler(_Request(), wrapped(asyncpg.CannotConnectNowError("starting up")))  # type: ignore[arg-type]
    assert starting.status_code == 503
    assert starting.headers["Retry-After"] == "5"
    assert starting.content.error == "unavailable"
    broken_query = database_error_handler(_Request(), wrapped(asyncpg.UndefinedTableError("no table")))  # type: ignore[arg-type]
    assert broken_query.status_code == 500
