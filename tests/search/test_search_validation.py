"""Bad search input is a 422 naming the parameter; it never reaches either back end."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.auth.tokens import account_token
from app.limits import MAX_AUTOCOMPLETE_LIMIT, MAX_PAGE_SIZE
from app.models import User
from tests.search.conftest import SearchWorld


@pytest.mark.parametrize(
    "path", ["/api/v1/naics/search", "/api/v1/naics/autocomplete", "/api/v1/experiences/search"]
)
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 201}, "q"),
        ({"q": "dentist " * 1280}, "q"),  # 10 KB
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    search_world: SearchWorld, path: str, params: dict[str, str], field: str
) -> None:
    for client in (search_world.search, search_world.fallback):
        response = await client.get(path, params=params)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field


@pytest.mark.parametrize("path", ["/api/v1/naics/search", "/api/v1/experiences/search"])
async def test_paging_stays_inside_the_window(search_world: SearchWorld, path: str) -> None:
    client = search_world.search
    for params, field in (({"offset": "-1"}, "offset"), ({"offset": "9990", "limit": "20"}, "offset")):
        response = await client.get(path, params=params)
        assert response.status_code == 422 and response.json()["field"] == field
    too_many = await client.get(path, params={"limit": "101"})
    assert (too_many.status_code, too_many.json()["field"]) == (422, "limit")
    assert len((await client.get(path, params={"limit": "100"})).json()["items"]) <= 100


@pytest.mark.parametrize(
    ("path", "params", "field", "allowed"),
    [
        ("/api/v1/naics/search", {"level": "abc"}, "level", "2, 3, 4, 6"),
        ("/api/v1/naics/search", {"category": "wizardry"}, "category", "technology"),
        ("/api/v1/naics/search", {"sector": "99"}, "sector", "31-33"),
        ("/api/v1/experiences/search", {"experience_type": "wizard"}, "experience_type", "gig"),
        ("/api/v1/experiences/search", {"naics_code": "abc"}, "naics_code", ""),
    ],
)
async def test_unknown_filter_values_are_422_naming_parameter_and_choices(
    search_world: SearchWorld, path: str, params: dict[str, str], field: str, allowed: str
) -> None:
    for client in (search_world.search, search_world.fallback):
        response = await client.get(path, params=params)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["field"] == field and allowed in body["detail"] and body["request_id"]


PAGED = [
    "/api/v1/naics",
    "/api/v1/naics/search",
    "/api/v1/experiences/search",
    "/api/v1/users/ada/experiences",
]
CONTRACT_KEYS = {"status_code", "error", "detail", "field", "errors", "request_id"}


def _without_request_id(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body.pop("request_id") == response.headers["X-Request-ID"]
    return body


async def test_a_limit_beyond_the_maximum_is_the_same_422_on_every_paged_endpoint(
    search_world: SearchWorld,
) -> None:
    expected = {
        "status_code": 422,
        "error": "validation",
        "detail": f"limit: must be between 1 and {MAX_PAGE_SIZE} (got {MAX_PAGE_SIZE + 1})",
        "field": "limit",
        "errors": None,
    }
    for client in (search_world.search, search_world.fallback):
        for path in PAGED:
            response = await client.get(path, params={"limit": str(MAX_PAGE_SIZE + 1)})
            assert response.status_code == 422, f"{path}: {response.text}"
            assert _without_request_id(response) == expected, path
            at_most = await client.get(path, params={"limit": str(MAX_PAGE_SIZE)})
            assert at_most.status_code == 200, f"{path}: {at_most.text}"
    # Autocomplete has its own, smaller maximum and answers beyond it the same way.
    response = await search_world.search.get(
        "/api/v1/naics/autocomplete", params={"q": "soft", "limit": str(MAX_AUTOCOMPLETE_LIMIT + 1)}
    )
    assert _without_request_id(response) == {
        **expected,
        "detail": f"limit: must be between 1 and {MAX_AUTOCOMPLETE_LIMIT} (got {MAX_AUTOCOMPLETE_LIMIT + 1})",
    }


async def test_naics_search_profile_and_import_refusals_share_one_422_shape(
    search_world: SearchWorld,
) -> None:
    async with search_world.sessions() as session:
        ada = await session.scalar(select(User).where(User.username == "ada"))
        assert ada is not None
        auth = {"Authorization": f"Bearer {account_token(ada, search_world.settings)}"}
    client = search_world.search
    refusals = {
        "naics route": (await client.get("/api/v1/naics", params={"level": "5"}), "level"),
        "search route": (await client.get("/api/v1/naics/search", params={"sector": "99"}), "sector"),
        "profile route": (
            await client.get("/api/v1/users/ada/experiences", params={"category": "wizardry"}),
            "category",
        ),
        "import": (await client.post("/api/v1/users/me/resume", json={"work": "nope"}, headers=auth), "work"),
    }
    for what, (response, field) in refusals.items():
        assert response.status_code == 422, f"{what}: {response.text}"
        body = response.json()
        assert set(body) == CONTRACT_KEYS, f"{what}: {body}"
        assert (body["status_code"], body["field"], body["errors"]) == (422, field, None), what
        assert body["detail"].startswith(field) and isinstance(body["error"], str), what
        assert body["request_id"] == response.headers["X-Request-ID"], what
