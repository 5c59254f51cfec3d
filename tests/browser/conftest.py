"""Browser tests: the real app under uvicorn, driven by Debian's Chromium through Playwright.

No browser is ever downloaded: Playwright launches /usr/bin/chromium (`apt-get install chromium`;
.ci/run installs it when missing). Without it, or without Playwright, these tests skip.
"""

from __future__ import annotations

import dataclasses
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import Settings
from tests.support.live_server import free_socket, serve
from tests.support.paths import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent: install Debian's chromium package (apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed (pip install '.[test]')"
    if reason:
        here = Path(__file__).parent
        for item in items:
            if here in Path(str(item.fspath)).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


# ---------------------------------------------------------------- data the pages need


@pytest.fixture(scope="session")
def template_database(titles_only_template_database: str) -> str:
    # The pages' behaviour, not the catalogue's texts: building the NAICS index from titles
    # keeps each test's start-up step short on osmem.
    return titles_only_template_database


@pytest.fixture
async def catalogue(settings: Settings) -> None:
    """The built-in NAICS catalogue, unless the template database already carries it."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db.engine import create_engine
    from app.models import NaicsCode
    from app.naics.builtin import builtin_records

    engine = create_engine(settings, pool=False)
    try:
        async with AsyncSession(engine) as session:
            if await session.scalar(select(func.count()).select_from(NaicsCode)):
                return
            session.add_all(
                NaicsCode(
                    code=r.code,
                    title=r.title,
                    description=r.description,
                    level=r.level,
                    parent_code=r.parent_code,
                    sector=r.sector,
                    subsector=r.subsector,
                    industry_group=r.industry_group,
                    industry_detail=r.industry_detail,
                    category=r.category.value,
                    keywords=r.keywords,
                    aliases=r.aliases,
                    examples=r.examples,
                    cross_references=r.cross_references,
                    is_active=r.is_active,
                    year=r.year,
                    data_source=r.data_source,
                )
                for r in builtin_records()
            )
            await session.commit()
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class SeedExperience:
    username: str
    experience_type: str
    title: str
    organization: str
    naics_code: str
    start: datetime
    end: datetime | None = None
    tags: list[str] = field(default_factory=list)


# Two people, three categories, two sectors: enough for every facet to have more than one value.
PEOPLE_EXPERIENCES = [
    SeedExperience(
        "amira",
        "full_time",
        "Dental hygienist",
        "Bright Smile Dental",
        "621210",
        datetime(2019, 3, 1),
        None,
        ["dentistry", "patient care"],
    ),
    SeedExperience(
        "amira",
        "certificate",
        "Radiography certificate for dental practice",
        "Dental Board",
        "621210",
        datetime(2018, 1, 1),
        datetime(2018, 6, 1),
        ["x-ray"],
    ),
    SeedExperience(
        "amira",
        "soft_skill",
        "Calming anxious dental patients",
        "Bright Smile Dental",
        "621210",
        datetime(2019, 3, 1),
        None,
    ),
    SeedExperience(
        "bruno",
        "part_time",
        "Line cook",
        "Trattoria Bruno",
        "722511",
        datetime(2015, 5, 1),
        datetime(2017, 9, 1),
        ["kitchen"],
    ),
    SeedExperience(
        "bruno",
        "gig",
        "Catering for weddings",
        "Bruno Catering",
        "722320",
        datetime(2020, 6, 1),
        None,
        ["events"],
    ),
    # A date in year 1 (a placeholder people do type): the cards must keep its year.
    SeedExperience(
        "bruno",
        "course",
        "Latin for beginners",
        "Scriptorium",
        "611310",
        datetime(1, 1, 1),
        datetime(1, 6, 1),
    ),
    # Seven more, so the experiences fill more than one page of ten.
    *(
        SeedExperience(
            "carla",
            "hard_skill",
            f"{language} programming",
            "Freelance",
            "541511",
            datetime(2010 + i, 1, 1),
            None,
            ["software"],
        )
        for i, language in enumerate(["Python", "Rust", "Go", "SQL", "TypeScript", "Haskell", "C"])
    ),
]


@pytest.fixture
async def people(settings: Settings, catalogue: None) -> list[SeedExperience]:
    """Users with experiences, written through the ORM models.

    Once the profiles API (issue 5) is in this build, these should be created through it
    (sign-up, then POST the experiences) so the pages show what a user of the API made.
    """
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db.engine import create_engine
    from app.experiences.types import ExperienceType
    from app.models import Experience, User
    from app.models.experience import EXPERIENCE_CLASSES

    engine = create_engine(settings, pool=False)
    try:
        async with AsyncSession(engine) as session:
            users: dict[str, User] = {}
            for seed in PEOPLE_EXPERIENCES:
                user = users.get(seed.username)
                if user is None:
                    user = User(
                        username=seed.username,
                        email=f"{seed.username}@example.org",
                        password_hash="not-a-real-hash",
                    )
                    users[seed.username] = user
                    session.add(user)
                cls: type[Experience] = EXPERIENCE_CLASSES[ExperienceType(seed.experience_type)]
                session.add(
                    cls(
                        user=user,
                        title=seed.title,
                        organization=seed.organization,
                        naics_code=seed.naics_code,
                        start_date=seed.start,
                        end_date=seed.end,
                        is_current=seed.end is None,
                        tags=seed.tags,
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()
    return PEOPLE_EXPERIENCES


@pytest.fixture
async def search_ready(settings: Settings, catalogue: None, people: list[SeedExperience]) -> None:
    """The search indexes (this test's prefix) built from what PostgreSQL holds now,
    by the same start-up step `levelith serve` runs."""
    from indexer.health import ensure_search_indexes

    await ensure_search_indexes(settings)


# ---------------------------------------------------------------- the running service


@pytest.fixture
def live_server(settings: Settings, search_ready: None) -> Iterator[str]:
    with serve(settings) as url:
        warm_autocomplete(url)
        yield url


def warm_autocomplete(url: str) -> None:
    """Build the in-memory autocomplete index before the first keystroke, as `levelith serve`
    does at start-up: on a loaded machine building it can take longer than a page waits."""
    with urllib.request.urlopen(f"{url}/api/v1/naics/autocomplete?q=a", timeout=120) as response:
        assert response.status == 200


@pytest.fixture
def live_server_without_search(settings: Settings, search_ready: None) -> Iterator[str]:
    """The app with its search engine unreachable (a closed local port): answers come from PostgreSQL."""
    closed = free_socket()
    dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    with serve(dataclasses.replace(settings, opensearch_url=dead_url, opensearch_timeout=0.5)) as url:
        warm_autocomplete(url)
        yield url


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


class Console:
    """Errors a user's browser console would show: console.error calls and uncaught exceptions."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console.error: {message.text} ({message.location})")

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
async def console() -> Console:
    return Console()


@pytest.fixture
async def page(browser: Any, console: Console) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, service_workers="block")
    page = await context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        await context.close()


async def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
