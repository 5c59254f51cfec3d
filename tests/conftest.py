"""Session-wide engines, a template database, and per-test isolation.

Engines start once per session (see tests/support/engines.py). A template database is migrated
once; every test that touches PostgreSQL gets its own copy (CREATE DATABASE ... TEMPLATE,
a few tens of milliseconds) and its own index-name prefix, so tests never see each
other's rows or documents and never need a new server.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient
from opensearchpy import AsyncOpenSearch
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from app.auth import passwords
from app.config import Settings
from app.db.engine import async_url
from indexer.worker import OutboxWorker
from tests.support.databases import database_url, run_as_admin
from tests.support.engines import EngineSet, start_engines
from tests.support.indexes import drop_indexes, make_worker
from tests.support.paths import shared_dir

TEMPLATE_DB = "levelith_template"

# Real argon2id with small parameters: the defaults cost ~0.7 s per hash on a CI core.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def engines() -> Iterator[EngineSet]:
    with start_engines() as started:
        yield started


async def prepare_template(url: str) -> None:
    """Everything every test database starts with: the schema at head."""
    from app.db import migrations

    await migrations.upgrade(url)
    # The shipped catalogue (1,436 codes with descriptions, index items, aliases, former and
    # SIC codes), as `levelith serve` loads it on an empty database.
    from app.bootstrap import seed_catalogue_if_empty

    await seed_catalogue_if_empty(Settings(database_url=url))


@pytest.fixture(scope="session")
async def full_template_database(engines: EngineSet) -> str:
    await run_as_admin(engines, f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")
    await run_as_admin(engines, f"CREATE DATABASE {TEMPLATE_DB}")
    await prepare_template(database_url(engines.database_url, TEMPLATE_DB))
    return TEMPLATE_DB


@pytest.fixture(scope="session")
def template_database(full_template_database: str) -> str:
    """What each test database is copied from (a folder's conftest may choose the titles-only one)."""
    return full_template_database


@pytest.fixture(scope="session")
async def titles_only_template_database(engines: EngineSet, full_template_database: str) -> str:
    """The template with the catalogue's codes and titles only, as the former built-in catalogue.

    For tests of the indexing machinery (tests/indexer, tests/faults, tests/browser), which build
    the NAICS index again and again: the shipped texts (descriptions, 20,373 index items) make each build
    about twenty times slower on osmem and are not what those tests are about.
    """
    name = f"{TEMPLATE_DB}_titles"
    await run_as_admin(engines, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await run_as_admin(engines, f"CREATE DATABASE {name} TEMPLATE {full_template_database}")
    engine = create_async_engine(async_url(database_url(engines.database_url, name)), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE naics_codes SET description = NULL, examples = NULL, keywords = '[]', "
                    "index_keywords = '[]', aliases = '[]', cross_references = '[]'"
                )
            )
            await connection.execute(text("DELETE FROM search_outbox"))
    finally:
        await engine.dispose()
    return name


@pytest.fixture
async def test_database(engines: EngineSet, template_database: str) -> AsyncIterator[str]:
    name = f"t_{secrets.token_hex(6)}"
    await run_as_admin(engines, f"CREATE DATABASE {name} TEMPLATE {template_database}")
    try:
        yield database_url(engines.database_url, name)
    finally:
        await run_as_admin(engines, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def index_prefix() -> str:
    return f"t{secrets.token_hex(5)}_"


@pytest.fixture
def settings(engines: EngineSet, test_database: str, index_prefix: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=test_database,
        opensearch_url=engines.opensearch_url,
        secret_key="test-secret-" + secrets.token_hex(16),
        data_dir=tmp_path / "data",
        index_prefix=index_prefix,
        run_indexer=False,
        # Training the classifier on the whole catalogue is seconds of CPU in a thread, which a
        # test's event loop then waits for when it closes; the tests of what it learns turn it on
        # (tests/search/test_classify.py, and the shared search_world).
        classifier_refresh_seconds=0,
        # Tests assert which back end answered: no hedge on a slow moment of a shared machine.
        search_hedge_floor_ms=10_000,
        search_hedge_ceiling_ms=10_000,
    )


@pytest.fixture
async def db_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    from app.db.engine import create_engine

    engine = create_engine(settings)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def db_session(db_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(db_engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app(settings: Settings) -> Litestar:
    from app.asgi import create_app

    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "hasher", CHEAP_HASHER)


# ------------------------------------------------ the indexer's side (tests/indexer, tests/faults)


@pytest.fixture
def sessions(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(db_engine, expire_on_commit=False)


@pytest.fixture
async def search(settings: Settings) -> AsyncIterator[AsyncOpenSearch]:
    """A client of the session's engine; this test's indexes are dropped after it."""
    client = AsyncOpenSearch(hosts=[settings.opensearch_url], timeout=30)
    try:
        yield client
    finally:
        await drop_indexes(client, settings.index_prefix)
        await client.close()


@pytest.fixture
async def worker(
    sessions: async_sessionmaker[AsyncSession], search: AsyncOpenSearch, settings: Settings
) -> OutboxWorker:
    """A worker whose indexes exist and hold whatever the test database started with."""
    built = make_worker(sessions, search, settings)
    await built.heal()
    await built.drain()
    return built


# ------------------------------------------------ the official Census files (../shared/naics)

CENSUS_FILE_NAMES = {
    "codes": "2-6 digit_2022_Codes.xlsx",
    "descriptions": "2022_NAICS_Descriptions.xlsx",
    "index": "2022_NAICS_Index_File.xlsx",
    "structure": "2022_NAICS_Structure_Summary_Table.xlsx",
}


@pytest.fixture(scope="session")
def census_files() -> dict[str, Path]:
    naics_dir = shared_dir() / "naics"
    files = {kind: naics_dir / name for kind, name in CENSUS_FILE_NAMES.items()}
    missing = [p.name for p in files.values() if not p.is_file()]
    if missing:
        pytest.skip(
            f"official Census NAICS files not in {naics_dir} (missing: {', '.join(missing)}); "
            "set LEVELITH_SHARED_DIR to the directory that holds naics/*.xlsx"
        )
    return files


@pytest.fixture(scope="session")
def census_paths(census_files: dict[str, Path]) -> list[Path]:
    return list(census_files.values())
