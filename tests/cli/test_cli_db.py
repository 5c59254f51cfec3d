"""`levelith db ...` against a real, empty PostgreSQL database."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.db.engine import async_url
from tests.support.databases import database_url
from tests.support.engines import EngineSet
from tests.support.seed_schema import SEED_COLUMNS


def levelith(*args: str, database: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def scalar(url: str, statement: str) -> object:
    import asyncio

    async def run() -> object:
        engine = create_async_engine(async_url(url), poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    return asyncio.run(run())


def table_shape(url: str) -> dict[str, int]:
    import asyncio

    async def run() -> dict[str, int]:
        engine = create_async_engine(async_url(url), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: {
                        t: len(inspect(sync).get_columns(t)) for t in inspect(sync).get_table_names()
                    }
                )
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.fixture
def empty_database(engines: EngineSet) -> Iterator[str]:
    import asyncio

    from tests.support.databases import run_as_admin as _admin

    name = f"empty_{secrets.token_hex(4)}"
    asyncio.run(_admin(engines, f"CREATE DATABASE {name}"))
    try:
        yield database_url(engines.database_url, name)
    finally:
        asyncio.run(_admin(engines, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def test_upgrade_creates_the_seed_tables_and_check_passes(empty_database: str) -> None:
    before = levelith("db", "check", database=empty_database)
    assert before.returncode == 1
    assert "not at head" in before.stderr

    upgraded = levelith("db", "upgrade", database=empty_database)
    assert upgraded.returncode == 0, upgraded.stderr

    shape = table_shape(empty_database)
    # Every column tests/models/test_schema.py checks one by one (the seed's and the migrations' since).
    assert {name: shape.get(name) for name in SEED_COLUMNS} == {
        name: len(columns) for name, columns in SEED_COLUMNS.items()
    }

    checked = levelith("db", "check", database=empty_database)
    assert checked.returncode == 0, checked.stderr
    assert "at head" in checked.stdout


def test_reset_refuses_without_yes_and_empties_with_it(empty_database: str) -> None:
    assert levelith("db", "upgrade", database=empty_database).returncode == 0
    scalar(
        empty_database,
        "INSERT INTO users (id, username, email, password_hash) VALUES ('u', 'ada', 'a@x.io', 'h')",
    )

    refused = levelith("db", "reset", database=empty_database)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert scalar(empty_database, "SELECT count(*) FROM users") == 1

    done = levelith("db", "reset", "--yes", database=empty_database)
    assert done.returncode == 0, done.stderr
    assert scalar(empty_database, "SELECT count(*) FROM users") == 0


def test_check_fails_when_the_database_is_unreachable(tmp_path) -> None:
    result = levelith("db", "check", database=f"postgresql://postgres@/postgres?host={tmp_path}")
    assert result.returncode == 1
    assert "cannot connect" in result.stderr


def test_database_commands_do_not_load_the_web_app_or_the_classifier() -> None:
    # An operator's `levelith db upgrade` (often in a deploy step) should not pay seconds for
    # what only `serve` needs: the web framework and scikit-learn.
    probe = (
        "import sys; from click.testing import CliRunner; from indexer.main import cli; "
        "result = CliRunner().invoke(cli, ['db', '--help']); assert result.exit_code == 0, result.output; "
        "print(sorted(m for m in ('litestar', 'sklearn', 'app.asgi') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr
