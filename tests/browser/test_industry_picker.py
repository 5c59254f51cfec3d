"""The industry picker on "/", used the way a person uses it: typing, arrow keys, chips."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect

from tests.browser.conftest import Console, screenshot

OPTIONS = "#industry-options [role=option]"


async def type_query(page: Any, text: str, *, delay: float = 0) -> None:
    box = page.get_by_role("combobox")
    await box.click()
    await box.press_sequentially(text, delay=delay)


async def listed_for(page: Any, query: str) -> None:
    """Wait until the list shows the answer for `query` (the page records which query it shows)."""
    await expect(page.locator("#industry-options")).to_have_attribute("data-query", query)


async def option_codes(page: Any) -> list[str]:
    ids = await page.locator(OPTIONS).evaluate_all("nodes => nodes.map(n => n.id)")
    return [i.removeprefix("industry-options-") for i in ids]


async def test_dent_lists_dentists_and_arrow_keys_choose_it_with_its_hierarchy(
    live_server: str, page: Any, console: Console
) -> None:
    await page.goto(live_server + "/")
    await type_query(page, "dent")
    await listed_for(page, "dent")

    box = page.get_by_role("combobox")
    dentists = page.locator("#industry-options-621210")
    await expect(box).to_have_attribute("aria-expanded", "true")
    await expect(dentists).to_contain_text("Offices of Dentists")
    await expect(dentists.locator("mark")).to_have_text("Dent")  # the typed part of "Dentists"
    await expect(page.locator("#degraded")).to_be_hidden()

    # Arrow down through the list until the dentists' office is the active option.
    codes = await option_codes(page)
    assert "621210" in codes
    for _ in range(codes.index("621210") + 1):
        await box.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", "industry-options-621210")
    await expect(dentists).to_have_attribute("aria-selected", "true")
    await screenshot(page, "picker-dent-621210-active")

    await box.press("Enter")
    await expect(box).to_have_attribute("aria-expanded", "false")
    crumbs = page.locator("#breadcrumb li")
    await expect(crumbs).to_have_count(4)
    assert await crumbs.evaluate_all("nodes => nodes.map(n => n.dataset.code)") == [
        "62",
        "621",
        "6212",
        "621210",
    ]
    await expect(crumbs.first).to_contain_text("Health Care and Social Assistance")
    await expect(crumbs.last).to_contain_text("Offices of Dentists")
    await expect(page.locator("#details-title")).to_have_text("621210 Offices of Dentists")
    await expect(page.locator("#details-description")).not_to_be_empty()
    await screenshot(page, "picker-621210-chosen")

    # Escape closes a reopened list without choosing anything else.
    await box.press("ArrowDown")
    await expect(box).to_have_attribute("aria-expanded", "true")
    await box.press("Escape")
    await expect(box).to_have_attribute("aria-expanded", "false")
    await expect(page.locator("#details-title")).to_have_text("621210 Offices of Dentists")
    assert console.errors == []


async def test_sector_chip_narrows_the_list_to_that_sector_and_clicking_again_clears_it(
    live_server: str, page: Any, console: Console
) -> None:
    await page.goto(live_server + "/")
    await type_query(page, "dent")
    await listed_for(page, "dent")
    chip = page.locator('#facet-sector .chip[data-value="62"]')
    await expect(chip).to_have_attribute("aria-pressed", "false")
    await expect(chip.locator(".chip-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    sector_chips = page.locator("#facet-sector .chip")
    assert await sector_chips.count() > 1, "'dent' should match industries in several sectors"
    before = await page.locator(OPTIONS).evaluate_all("nodes => nodes.map(n => n.dataset.sector)")
    assert set(before) - {"62"}, "the unfiltered list should show other sectors too"

    await chip.click()
    await expect(chip).to_have_attribute("aria-pressed", "true")
    await expect(page.locator(f'{OPTIONS}:not([data-sector="62"])')).to_have_count(0)
    await expect(page.locator(OPTIONS).first).to_be_visible()
    assert "621210" in await option_codes(page)
    # The sector facet ignores its own filter: the other sectors stay on offer.
    assert await sector_chips.count() > 1
    await screenshot(page, "picker-dent-sector-62")

    await chip.click()
    await expect(chip).to_have_attribute("aria-pressed", "false")
    await expect(page.locator(f'{OPTIONS}:not([data-sector="62"])').first).to_be_attached()
    assert console.errors == []


@pytest.mark.parametrize("key_delay_ms", [0, 160], ids=["no-delay", "slower-than-debounce"])
async def test_fast_typing_ends_on_the_list_for_the_whole_word(
    live_server: str, page: Any, console: Console, key_delay_ms: int
) -> None:
    word = "restaurant"
    requested: list[str] = []
    held: set[asyncio.Task[None]] = set()

    async def hold_back_earlier_prefixes(route: Any) -> None:
        q = parse_qs(urlparse(route.request.url).query).get("q", [""])[0]
        requested.append(q)
        if q != word:
            # Answers for earlier prefixes arrive last: applying them would show a stale list.
            await asyncio.sleep(0.6)
        with contextlib.suppress(PlaywrightError):  # the page cancelled it already, as it should
            await route.continue_()

    async def route_handler(route: Any) -> None:
        task = asyncio.ensure_future(hold_back_earlier_prefixes(route))
        held.add(task)
        await task

    await page.route("**/api/v1/naics/**", route_handler)
    await page.goto(live_server + "/")
    await type_query(page, word, delay=key_delay_ms)
    await listed_for(page, word)
    await asyncio.gather(*held)
    await page.wait_for_timeout(150)  # let any late answer reach the page's code

    await listed_for(page, word)
    expected = await page.request.get(f"{live_server}/api/v1/naics/autocomplete?q={word}&limit=10")
    expected_codes = [item["code"] for item in (await expected.json())["items"]]
    assert expected_codes, "the catalogue has restaurants"
    assert await option_codes(page) == expected_codes
    if key_delay_ms:
        assert {word[:n] for n in range(1, len(word))} & set(requested), "earlier prefixes were asked for"
    await screenshot(page, f"picker-restaurant-{key_delay_ms}ms")
    assert console.errors == []


async def test_degraded_banner_when_the_search_engine_is_unreachable(
    live_server_without_search: str, page: Any, console: Console
) -> None:
    await page.goto(live_server_without_search + "/")
    await type_query(page, "dentist")
    await listed_for(page, "dentist")
    await expect(page.locator("#degraded")).to_be_visible()
    await expect(page.locator("#degraded")).to_contain_text("Search is degraded")
    assert "621210" in await option_codes(page)
    await screenshot(page, "picker-degraded")
    assert console.errors == []
