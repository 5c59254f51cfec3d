"""A search world shared by the search tests: the built-in catalogue, a few enriched codes,
some experiences, both indexes built with the real reindex, and three API clients on the same
database: one with the search engine, one pointed at a dead engine (PostgreSQL fallback), both
without the in-memory autocomplete index, and one configured as by default (with it).

Building it once keeps the many read-only search tests fast; tests that write
use their own per-test database (the plain `client` fixture).

Also here: one osmem-server of their own for the tests that talk to an engine directly
(tests/search/engine, tests/search/contract).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from opensearchpy import AsyncOpenSearch, OpenSearch
from osmem_server import OsmemServer
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db.engine import create_engine
from app.experiences.types import ExperienceType
from app.models import NaicsCode, User
from app.models.experience import EXPERIENCE_CLASSES
from app.naics.builtin import builtin_records
from indexer.reindex import reindex
from tests.support.databases import database_url, run_as_admin
from tests.support.engines import EngineSet


def rule_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The hits of the rule tiers: without the classifier's guesses listed after them."""
    return [i for i in body["items"] if i["match_type"] != "classifier"]


# Nothing listens here: connections are refused at once.
DEAD_SEARCH_URL = "http://127.0.0.1:9"

# Real codes given the keywords, aliases and descriptions that make every tier reachable.
ENRICHED: dict[str, dict[str, Any]] = {
    "541511": {
        "keywords": ["programming", "coding", "web development"],
        "aliases": ["App Development", "Software Development"],
        "description": "This U.S. industry comprises establishments primarily engaged in writing, "
        "modifying, testing, and supporting software to meet the needs of a particular customer.",
        "examples": "Custom software analysis and design services; computer program or software development.",
    },
    "541512": {
        "keywords": ["systems integration", "computer consulting"],
        "aliases": ["IT Consulting"],
        "description": "This U.S. industry comprises establishments primarily engaged in planning and "
        "designing computer systems that integrate computer hardware, software, and communication "
        "technologies.",
    },
    "513210": {
        "keywords": ["applications", "video game publishing"],
        "aliases": ["Software Company", "SaaS"],
        "description": "This industry comprises establishments primarily engaged in software publishing.",
    },
    "621210": {
        "keywords": ["dentistry", "orthodontics", "oral surgery"],
        "aliases": ["Dental Clinic", "Dentist Office"],
        "description": "Health practitioners having the degree of D.M.D. or D.D.S. primarily engaged in "
        "the independent practice of general or specialized dentistry.",
    },
    "722511": {
        "keywords": ["restaurant", "fine dining", "bistro"],
        "aliases": ["Sit-Down Restaurant", "Diner"],
        "description": "Establishments providing food services to patrons who order and are served while "
        "seated (i.e., waiter/waitress service) and pay after eating.",
    },
    "722513": {
        "keywords": ["restaurant", "pizza delivery", "drive-in"],
        "aliases": ["Fast Food Restaurant", "Takeout Restaurant"],
        "description": "Establishments providing food services where patrons generally order or select "
        "items and pay before eating.",
    },
    "722515": {
        "keywords": ["espresso bar", "juice bar"],
        "aliases": ["Café", "Coffee Shop"],
    },
}


@dataclass(frozen=True)
class SearchWorld:
    settings: Settings
    # These two answer autocomplete without the in-memory index, so every keystroke reaches
    # the engine (or its fallback): the paths taken when the index is off or not built.
    search: AsyncTestClient[Any]  # the API with the search engine
    fallback: AsyncTestClient[Any]  # the same API and database with the engine unreachable
    typeahead: AsyncTestClient[Any]  # the API as configured by default: in-memory autocomplete
    sessions: async_sessionmaker[AsyncSession]
    experience_ids: dict[str, str]  # experience title -> id

    async def reindex(self, kind: str) -> None:
        client = AsyncOpenSearch(hosts=[self.settings.opensearch_url])
        try:
            await reindex(kind, client, self.sessions, prefix=self.settings.index_prefix)
        finally:
            await client.close()


async def load_catalogue(session: AsyncSession) -> None:
    """The built-in catalogue (unless the template has it) with only ENRICHED carrying extra text."""
    if not await session.scalar(text("SELECT count(*) FROM naics_codes")):
        for record in builtin_records():
            session.add(NaicsCode(**{f: getattr(record, f) for f in record.__struct_fields__}))
        await session.flush()
    # Whatever keywords a seed may carry, the tests need to know exactly which rows match what.
    await session.execute(update(NaicsCode).values(keywords=[], aliases=[], description=None, examples=None))
    for code, values in ENRICHED.items():
        await session.execute(update(NaicsCode).where(NaicsCode.code == code).values(**values))
    await session.commit()


def _experience(user: User, kind: str, naics_code: str, title: str, **values: Any) -> Any:
    cls = EXPERIENCE_CLASSES[ExperienceType(kind)]
    return cls(user=user, naics_code=naics_code, title=title, **values)


async def load_experiences(session: AsyncSession) -> dict[str, str]:
    ada = User(username="ada", email="ada@example.com", password_hash="x")
    bob = User(username="bob", email="bob@example.com", password_hash="x")
    gone = User(username="gone", email="gone@example.com", password_hash="x", is_active=False)
    rows = [
        _experience(
            ada,
            "full_time",
            "541511",
            "Senior Software Engineer",
            description="Built billing services and internal developer platforms.",
            organization="Acme Robotics",
            location="Austin, TX",
            tags=["python", "kubernetes"],
            type_specific_data={"technologies": ["Python", "Go"]},
            start_date=datetime(2021, 3, 1),
            is_current=True,
        ),
        _experience(
            bob,
            "part_time",
            "722511",
            "Line Cook",
            description="Grill and sauté station in a busy restaurant kitchen.",
            organization="Chez Panisse",
            tags=["cooking"],
            start_date=datetime(2015, 6, 1),
            end_date=datetime(2018, 8, 31),
        ),
        _experience(
            bob,
            "certificate",
            "513210",
            "Software Development Certificate",
            description="Twelve-week course in full-stack web development.",
            organization="State University Extension",
            tags=["javascript"],
            type_specific_data={"issuer": "Coursera"},
            start_date=datetime(2023, 2, 1),
        ),
        _experience(
            ada,
            "gig",
            "621210",
            "Dental Office Website",
            description="Booking pages for a dentist.",
            organization="Freelance",
            start_date=datetime(2019, 1, 15),
        ),
        # An inactive owner's experience is never shown.
        _experience(gone, "full_time", "541511", "Software Tester", organization="Hidden Corp"),
    ]
    session.add_all(rows)
    await session.commit()
    return {row.title: row.id for row in rows}


@pytest.fixture(scope="package")
async def search_world(
    engines: EngineSet, template_database: str, tmp_path_factory
) -> AsyncIterator[SearchWorld]:  # type: ignore[no-untyped-def]
    from app.asgi import create_app

    name = f"s_{secrets.token_hex(6)}"
    await run_as_admin(engines, f"CREATE DATABASE {name} TEMPLATE {template_database}")
    settings = Settings(
        database_url=database_url(engines.database_url, name),
        opensearch_url=engines.opensearch_url,
        secret_key="test-secret-" + secrets.token_hex(16),
        data_dir=Path(tmp_path_factory.mktemp("data")),
        index_prefix=f"s{secrets.token_hex(5)}_",
        run_indexer=False,
        typeahead_refresh_seconds=0,
        # These tests assert which back end answered: no hedge on a slow moment of a shared
        # machine (hedging itself is tested with fakes in tests/search/test_search_hedging.py).
        search_hedge_floor_ms=10_000,
        search_hedge_ceiling_ms=10_000,
    )
    engine = create_engine(settings)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session:
            await load_catalogue(session)
            ids = await load_experiences(session)
        fallback_settings = replace(settings, opensearch_url=DEAD_SEARCH_URL)
        default_settings = replace(settings, typeahead_refresh_seconds=Settings.typeahead_refresh_seconds)
        async with (
            AsyncTestClient(app=create_app(settings)) as search,
            AsyncTestClient(app=create_app(fallback_settings)) as fallback,
            AsyncTestClient(app=create_app(default_settings)) as typeahead,
        ):
            world = SearchWorld(settings, search, fallback, typeahead, sessions, ids)
            await world.reindex("naics")
            await world.reindex("experiences")
            for client in (search, fallback, typeahead):
                # Searches never wait for a process's first classifier training, and a training
                # started in one test's event loop would not outlive it: classify waits for it.
                trained = await client.post("/api/v1/naics/classify", json={"text": "software"})
                assert trained.json()["suggestions"], trained.text
            yield world
    finally:
        await engine.dispose()
        await run_as_admin(engines, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def search_engine() -> Iterator[OsmemServer]:
    # Named apart from the osmem plugin's own "osmem_server" fixture so the two never clash.
    server = OsmemServer.start(japanese=False)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def os_client(search_engine: OsmemServer) -> Iterator[OpenSearch]:
    client = OpenSearch(hosts=[search_engine.url], timeout=30)
    yield client
    client.close()
