"""Every kind of request the service sends to OpenSearch, each made by the service's own code.

A case is a name and what to run against a recording client: a query builder's body sent the
way the services send it, or a whole flow (an index build, an alias swap, an indexer write).
A new builder, tier, filter or facet gets its case here, in one line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import AsyncOpenSearch

from app.experiences.types import ExperienceCategory, ExperienceType
from app.search.definitions import alias_name
from app.search.documents import action_for, removal
from app.search.experience_query import build_experience_search
from app.search.indexes import IndexManager
from app.search.naics_queries import build_naics_autocomplete, build_naics_browse, build_naics_search
from app.services.experience_search import ExperienceQuery, ExperienceSearch
from app.services.facet_cache import FacetCache
from app.services.naics_search import NaicsQuery, NaicsSearch
from app.services.search_fallback import SearchBackends, SearchHedge
from indexer import bulk
from tests.search.contract.recording import Recorder, Replies, recording_client
from tests.support.search_documents import EXPERIENCE_ROWS, NAICS_ROWS

Send = Callable[[AsyncOpenSearch], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    name: str
    send: Send
    # Answers the flow needs to take its full path, by (method, path); the rest are defaults.
    replies: Replies = field(default_factory=dict)


def search(kind: str, build: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any) -> Send:
    """A real builder's body, sent to the alias as the services send it."""

    async def send(client: AsyncOpenSearch) -> object:
        return await client.search(index=alias_name(kind), body=build(*args, **kwargs))

    return send


async def record(case: Case) -> Recorder:
    async with recording_client(case.replies) as (client, recorder):
        await case.send(client)
    return recorder


ALL_NAICS_FILTERS = {"sector": ["72", "31"], "category": ["hospitality"], "level": [6, 5]}
ALL_EXPERIENCE_FILTERS = {
    "category": [ExperienceCategory.WORKPLACE.value],
    "experience_type": [ExperienceType.FULL_TIME.value, ExperienceType.GIG.value],
    "sector": ["54"],
    "naics_code": ["541511"],
}
OLD_NAICS = "naics_v2_20250101000000"
NEW_NAICS = "naics_v3_20250102000000"


def _naics_row(i: int, version: int) -> dict[str, Any]:
    return {**NAICS_ROWS[i], "version": version}


def _experience_row(i: int, version: int, *, owner_active: bool = True) -> dict[str, Any]:
    return {**EXPERIENCE_ROWS[i], "version": version, "owner_active": owner_active}


SEARCH_BODIES: list[Case] = [
    Case("naics search: words", search("naics", build_naics_search, "software development")),
    Case("naics search: one word", search("naics", build_naics_search, "dentist")),
    Case("naics search: code", search("naics", build_naics_search, "5415")),
    Case("naics search: sector range", search("naics", build_naics_search, "31-33")),
    Case("naics search: typo", search("naics", build_naics_search, "resturant")),
    Case("naics search: former code", search("naics", build_naics_search, "511210")),
    Case("naics search: SIC code", search("naics", build_naics_search, "SIC 7372")),
    Case(
        "naics search: eight words",
        search("naics", build_naics_search, "the offices of dentists and oral surgery in town"),
    ),
    Case(
        "naics search: filters and facets",
        search("naics", build_naics_search, "restaurant", ALL_NAICS_FILTERS),
    ),
    Case(
        "naics search: inactive, second page",
        search("naics", build_naics_search, "software", limit=10, offset=10, active_only=False),
    ),
    Case("naics search: nothing searchable", search("naics", build_naics_search, "!!!")),
    Case("naics browse", search("naics", build_naics_browse)),
    Case(
        "naics browse: filters", search("naics", build_naics_browse, ALL_NAICS_FILTERS, limit=50, offset=50)
    ),
    Case("naics autocomplete: cheap tiers", search("naics", build_naics_autocomplete, "dent", broad=False)),
    Case(
        "naics autocomplete: broad tiers",
        search("naics", build_naics_autocomplete, "dentst offce", broad=True),
    ),
    Case("experience search: words", search("experiences", build_experience_search, "software eng")),
    Case("experience search: blank", search("experiences", build_experience_search, "")),
    Case("experience search: stop words only", search("experiences", build_experience_search, "the of")),
    Case(
        "experience search: filters, one owner",
        search("experiences", build_experience_search, "cook", ALL_EXPERIENCE_FILTERS, username="bob"),
    ),
]


def hedge() -> SearchHedge:
    """A hedge that waits for the engine: the recorder answers at once, PostgreSQL is never asked."""
    return SearchHedge(floor=60.0, ceiling=60.0, losses=1, probe_seconds=3600)


def backends(client: Any) -> SearchBackends:
    """The engine alone: with hedge() PostgreSQL is never asked, so no sessions."""
    return SearchBackends(client, None, hedge())


SERVICE_FLOWS: list[Case] = [
    Case(
        "naics search service",
        lambda c: NaicsSearch(backends(c)).search(
            NaicsQuery(q="dentist", sector=["62"], category=["healthcare"], level=["6"])
        ),
    ),
    Case(
        "naics browse service",
        lambda c: NaicsSearch(backends(c)).search(NaicsQuery(q="", sector=["31-33"])),
    ),
    # No hits from the cheap tiers: the service probes again with the broad ones.
    Case(
        "naics autocomplete service: both probes",
        lambda c: NaicsSearch(backends(c)).autocomplete("dentst"),
    ),
    Case(
        "experience search service",
        lambda c: ExperienceSearch(backends(c), FacetCache()).search(
            ExperienceQuery(q="line cook", sector=["72"], experience_type=[ExperienceType.FULL_TIME.value])
        ),
    ),
]

INDEX_FLOWS: list[Case] = [
    Case("create index: naics", lambda c: IndexManager(c).create("naics")),
    Case("create index: experiences", lambda c: IndexManager(c).create("experiences")),
    Case("ensure an empty live index", lambda c: IndexManager(c).ensure("experiences")),
    Case(
        "begin a build, dropping an orphan",
        lambda c: IndexManager(c).begin_build("naics"),
        {("GET", "/naics_v*"): {OLD_NAICS: {"aliases": {}}}},
    ),
    Case(
        "finish a build",
        lambda c: IndexManager(c).finish_build("experiences", "experiences_v3_20250102000000"),
    ),
    Case(
        "swap the alias",
        lambda c: IndexManager(c).swap("naics", NEW_NAICS),
        {("GET", "/_alias/naics"): {OLD_NAICS: {"aliases": {"naics": {}}}}},
    ),
    Case(
        "write targets during a build",
        lambda c: IndexManager(c).write_aliases("naics"),
        {("GET", "/_alias/naics_next"): {NEW_NAICS: {"aliases": {"naics_next": {}}}}},
    ),
]

BULK_FLOWS: list[Case] = [
    Case(
        "indexer bulk: index and delete, external versions",
        lambda c: bulk.write(
            c,
            [
                action_for("naics", _naics_row(2, 3)),
                action_for("experiences", _experience_row(0, 5)),
                # The owner was deactivated: a delete.
                action_for("experiences", _experience_row(1, 6, owner_active=False)),
                removal("experiences", "e9", 7),
            ],
            {"naics": ["naics", "naics_next"], "experiences": ["experiences"]},
        ),
    ),
    Case(
        "indexer bulk: every sample document",
        lambda c: bulk.write(
            c,
            [
                *(action_for("naics", _naics_row(i, i + 1)) for i in range(len(NAICS_ROWS))),
                *(action_for("experiences", _experience_row(i, i + 1)) for i in range(len(EXPERIENCE_ROWS))),
            ],
            {"naics": ["naics"], "experiences": ["experiences"]},
        ),
    ),
]

CASES: list[Case] = [*SEARCH_BODIES, *SERVICE_FLOWS, *INDEX_FLOWS, *BULK_FLOWS]
