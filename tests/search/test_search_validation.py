"""Bad search input is a 422 naming the parameter; it never reaches either back end."""

from __future__ import annotations

import pytest

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
    capped = await client.get(path, params={"limit": "5000"})
    assert capped.status_code == 200
    assert len(capped.json()["items"]) <= 100


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
