"""The /api/v1/naics endpoints over the built-in catalogue every test database starts with."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NaicsCode

API = "/api/v1/naics"


def codes(body: dict) -> list[str]:
    return [item["code"] for item in body["items"]]


async def test_hierarchy_is_sector_first_and_the_code_last(client: AsyncTestClient) -> None:
    response = await client.get(f"{API}/541511/hierarchy")
    assert response.status_code == 200
    assert codes(response.json()) == ["54", "541", "5415", "541511"]


async def test_children_of_33_are_the_manufacturing_subsectors(client: AsyncTestClient) -> None:
    response = await client.get(f"{API}/33/children")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "31"
    children = codes(body)
    assert len(children) == 21  # 311..339, the subsectors of sector 31-33
    assert all(len(c) == 3 and c.startswith("3") for c in children)
    assert {"311", "325", "336", "339"} <= set(children)


async def test_sector_aliases_and_ranges_name_the_same_sector(client: AsyncTestClient) -> None:
    for spelling in ("31", "32", "33", "31-33"):
        body = (await client.get(f"{API}/{spelling}")).json()
        assert (body["code"], body["display_code"], body["title"]) == ("31", "31-33", "Manufacturing")
    detail = (await client.get(f"{API}/336110")).json()
    assert (detail["sector"], detail["sector_display"], detail["parent_code"]) == ("31", "31-33", "3361")


async def test_unknown_code_is_404_and_malformed_code_is_422_naming_the_rule(client: AsyncTestClient) -> None:
    missing = await client.get(f"{API}/999999")
    assert missing.status_code == 404
    assert missing.json()["field"] == "code" and "999999" in missing.json()["detail"]

    for raw, rule in (("54151", "bad_length"), ("54a511", "not_digits"), ("31-34", "bad_range")):
        response = await client.get(f"{API}/{raw}/children")
        assert response.status_code == 422, raw
        assert response.json()["field"] == "code"
        assert response.json()["error"] == rule


async def test_list_filters_and_pagination(client: AsyncTestClient) -> None:
    sectors = (await client.get(API, params={"level": 2, "limit": 100})).json()
    assert sectors["total"] == 20 and len(sectors["items"]) == 20

    page = (await client.get(API, params={"sector": "31-33", "level": 3, "limit": 5, "offset": 5})).json()
    assert page["total"] == 21
    assert codes(page) == ["316", "321", "322", "323", "324"]
    assert (page["limit"], page["offset"]) == (5, 5)

    tech = (await client.get(API, params={"category": "Technology", "parent": "5415"})).json()
    assert codes(tech) == ["541511", "541512", "541513", "541519"]

    largest = (await client.get(API, params={"limit": 100})).json()
    assert largest["limit"] == 100 and len(largest["items"]) == 100
    assert largest["total"] == 1436
    too_many = await client.get(API, params={"limit": 101})
    assert (too_many.status_code, too_many.json()["field"]) == (422, "limit")


async def test_list_filters_name_the_field_at_fault(client: AsyncTestClient) -> None:
    cases = {
        "level": ({"level": 5}, "bad_level"),
        "category": ({"category": "wizardry"}, "unknown_category"),
        "sector": ({"sector": "541"}, "bad_length"),
        "parent": ({"parent": "5x"}, "not_digits"),
    }
    for field, (params, rule) in cases.items():
        response = await client.get(API, params=params)
        assert response.status_code == 422, field
        assert (response.json()["field"], response.json()["error"]) == (field, rule)
    not_a_number = await client.get(API, params={"limit": "many"})
    assert not_a_number.status_code == 422
    assert not_a_number.json()["field"] == "limit"


async def test_inactive_codes_are_filtered(client: AsyncTestClient, db_session: AsyncSession) -> None:
    await db_session.execute(text("UPDATE naics_codes SET is_active = false WHERE code = '541511'"))
    await db_session.commit()
    inactive = (await client.get(API, params={"active": "false"})).json()
    assert codes(inactive) == ["541511"]
    active = (await client.get(API, params={"active": "true", "parent": "5415"})).json()
    assert "541511" not in codes(active)


async def test_parent_and_descendants(client: AsyncTestClient) -> None:
    parent = await client.get(f"{API}/541511/parent")
    assert parent.json()["code"] == "5415"
    sector_parent = await client.get(f"{API}/54/parent")
    assert sector_parent.status_code == 404

    group = (await client.get(f"{API}/5415/descendants")).json()
    assert codes(group) == ["541511", "541512", "541513", "541519"]
    national = (await client.get(f"{API}/44/descendants", params={"level": 6, "limit": 3})).json()
    assert national["total"] > 50
    assert all(c.startswith(("44", "45")) and len(c) == 6 for c in codes(national))


async def test_sectors_levels_and_categories(client: AsyncTestClient) -> None:
    sectors = (await client.get(f"{API}/sectors")).json()
    assert len(sectors) == 20
    assert [s["display_code"] for s in sectors if s["code"] != s["display_code"]] == [
        "31-33",
        "44-45",
        "48-49",
    ]

    levels = {lv["level"]: lv["count"] for lv in (await client.get(f"{API}/levels")).json()}
    assert levels == {2: 20, 3: 96, 4: 308, 6: 1012}

    categories = (await client.get(f"{API}/categories")).json()
    assert len(categories) == 14
    summary = (await client.get(f"{API}/categories/summary")).json()
    assert summary["total"] == 1436
    assert sum(c["count"] for c in summary["categories"]) == 1436
    by_category = {c["category"]: c["count"] for c in summary["categories"]}
    assert by_category["technology"] > 0 and by_category["manufacturing"] > 300

    tech = (await client.get(f"{API}/categories/technology/codes", params={"level": 6, "limit": 100})).json()
    assert {"513210", "541511", "518210"} <= set(codes(tech))
    assert all(item["category"] == "technology" for item in tech["items"])
    unknown = await client.get(f"{API}/categories/wizardry/codes")
    assert unknown.status_code == 422 and unknown.json()["field"] == "category"


async def test_validate_explains_each_outcome(client: AsyncTestClient, db_session: AsyncSession) -> None:
    await db_session.execute(text("UPDATE naics_codes SET is_active = false WHERE code = '111110'"))
    await db_session.commit()

    async def check(code: str) -> dict:
        response = await client.post(f"{API}/validate", json={"code": code})
        assert response.status_code == 200
        return response.json()

    good = await check(" 541511 ")
    assert (good["valid"], good["normalized"], good["level"], good["exists"], good["active"]) == (
        True, "541511", 6, True, True,
    )  # fmt: skip
    assert good["reason"] is None
    sector = await check("31-33")
    assert (sector["valid"], sector["normalized"], sector["level_name"]) == (True, "31", "sector")
    five = await check("54151")
    assert (five["valid"], five["rule"], five["exists"]) == (False, "bad_length", False)
    assert "5 digits" in five["reason"]
    unknown = await check("999999")
    assert (unknown["valid"], unknown["rule"], unknown["exists"]) == (False, "not_found", False)
    inactive = await check("111110")
    assert (inactive["valid"], inactive["rule"], inactive["exists"], inactive["active"]) == (
        False, "inactive", True, False,
    )  # fmt: skip

    no_code = await client.post(f"{API}/validate", json={"naics": "54"})
    assert no_code.status_code == 422


async def test_suggestions_follow_the_experience_category(client: AsyncTestClient) -> None:
    degree = (
        await client.get(f"{API}/suggestions", params={"experience_type": "degree", "limit": 100})
    ).json()
    assert degree["experience_category"] == "education"
    assert degree["categories"] == ["education", "professional_services"]
    items = degree["items"]
    assert items[0]["category"] == "education" and items[0]["level"] == 6
    seen = [i["category"] for i in items]
    # Education codes first, then professional services; 6-digit codes first within each.
    assert seen == sorted(seen, key=["education", "professional_services"].index)
    education_levels = [i["level"] for i in items if i["category"] == "education"]
    assert education_levels == sorted(education_levels, reverse=True)

    gig = (await client.get(f"{API}/suggestions", params={"experience_type": "gig"})).json()
    assert gig["experience_category"] == "workplace" and gig["items"][0]["category"] == "technology"
    skill = (await client.get(f"{API}/suggestions", params={"experience_type": "soft_skill"})).json()
    assert skill["categories"] == ["general"]

    bad = await client.get(f"{API}/suggestions", params={"experience_type": "hobby"})
    assert bad.status_code == 422 and bad.json()["field"] == "experience_type"


async def test_admin_patch(
    client: AsyncTestClient,
    db_session: AsyncSession,
    admin_headers: dict[str, str],
    member_headers: dict[str, str],
) -> None:
    change = {"tags": ["core", " Core ", "tech"], "aliases": ["App Development"], "admin_notes": "checked"}
    assert (await client.patch(f"{API}/541511", json=change)).status_code == 401
    assert (await client.patch(f"{API}/541511", json=change, headers=member_headers)).status_code == 403

    response = await client.patch(f"{API}/541511", json=change, headers=admin_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["tags"] == ["core", "tech"]
    assert body["aliases"] == ["App Development"]
    assert body["admin_notes"] == "checked"
    db_session.expire_all()
    row = await db_session.scalar(select(NaicsCode).where(NaicsCode.code == "541511"))
    assert (
        row is not None
        and row.tags == ["core", "tech"]
        and row.title == "Custom Computer Programming Services"
    )
    # Public reads never show the internal notes.
    assert "admin_notes" not in (await client.get(f"{API}/541511")).json()

    cleared = await client.patch(f"{API}/541511", json={"admin_notes": None}, headers=admin_headers)
    assert cleared.json()["admin_notes"] is None and cleared.json()["tags"] == ["core", "tech"]

    for bad in ({"title": "Hacked"}, {"tags": "core"}, {"aliases": [""]}):
        refused = await client.patch(f"{API}/541511", json=bad, headers=admin_headers)
        assert refused.status_code == 422, bad
    assert (await client.patch(f"{API}/999999", json=change, headers=admin_headers)).status_code == 404


async def test_literal_paths_beside_code_are_not_swallowed(client: AsyncTestClient) -> None:
    # /search and /autocomplete live in another controller under the same prefix as /{code}.
    search = await client.get(f"{API}/search", params={"q": "541511"})
    assert search.status_code == 200
    assert search.json()["items"][0]["code"] == "541511"
    autocomplete = await client.get(f"{API}/autocomplete", params={"q": "softw"})
    assert autocomplete.status_code == 200 and "engine" in autocomplete.json()
    assert (await client.get(f"{API}/levels")).status_code == 200
