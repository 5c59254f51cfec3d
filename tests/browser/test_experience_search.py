"""The experience search on "/experiences": cards, facets with counts, paging."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect

from tests.browser.conftest import PEOPLE_EXPERIENCES, Console, SeedExperience, screenshot

CARDS = "#experience-results .card"
DASH = "\u2013"  # the page writes ranges with an en dash, as in "1\u201310 of 12"


async def test_cards_facets_and_paging_for_experiences_people_created(
    live_server: str, people: list[SeedExperience], page: Any, console: Console
) -> None:
    total = len(PEOPLE_EXPERIENCES)
    assert total > 10, "the seed fills more than one page"
    await page.goto(live_server + "/experiences")
    await expect(page.locator("#page-range")).to_have_text(f"1{DASH}10 of {total}")
    await expect(page.locator(CARDS)).to_have_count(10)
    await expect(page.locator("#prev-page")).to_be_disabled()
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator("#page-range")).to_have_text(f"11{DASH}{total} of {total}")
    await expect(page.locator(CARDS)).to_have_count(total - 10)
    await expect(page.locator("#next-page")).to_be_disabled()
    await page.get_by_role("button", name="Previous").click()
    await expect(page.locator("#page-range")).to_have_text(f"1{DASH}10 of {total}")

    await page.get_by_label("Skills, roles, organisations, tags").fill("dental")
    await page.keyboard.press("Enter")
    await expect(page.locator("#experience-results")).to_have_attribute("data-query", "dental")
    dental = [e for e in PEOPLE_EXPERIENCES if "dental" in f"{e.title} {e.organization}".lower()]
    await expect(page.locator(CARDS)).to_have_count(len(dental))
    card = page.locator(CARDS).filter(has_text="Dental hygienist")
    await expect(card.locator(".username")).to_have_text("@amira")
    await expect(card).to_contain_text("Bright Smile Dental")
    await expect(card).to_contain_text("621210 Offices of Dentists")
    await expect(card).to_contain_text(f"Mar 2019 {DASH} present")

    # One chip per category of the dental experiences, each counting one.
    categories = page.locator("#facet-category .chip")
    await expect(categories).to_have_count(3)
    for chip in await categories.all():
        await expect(chip.locator(".chip-count")).to_have_text("1")
    await expect(page.locator('#facet-sector .chip[data-value="62"] .chip-count')).to_have_text(
        str(len(dental))
    )
    await expect(page.locator("#facet-experience_type .chip")).to_have_count(3)
    await screenshot(page, "experiences-dental")

    await page.locator('#facet-category .chip[data-value="education"]').click()
    await expect(page.locator(CARDS)).to_have_count(1)
    await expect(page.locator(CARDS)).to_contain_text("Radiography certificate")
    await expect(page.locator("#page-range")).to_have_text(f"1{DASH}1 of 1")
    # Choosing a category keeps the other categories' counts on offer.
    await expect(categories).to_have_count(3)
    assert "category=education" in page.url
    assert console.errors == []


async def test_dates_keep_their_year_even_in_year_one(
    live_server: str, people: list[SeedExperience], page: Any, console: Console
) -> None:
    await page.goto(live_server + "/experiences?q=latin")
    card = page.locator(CARDS).filter(has_text="Latin for beginners")
    await expect(card).to_contain_text(f"Jan 0001 {DASH} Jun 0001")
    await screenshot(page, "experiences-year-one")
    assert console.errors == []


async def test_loading_then_results_and_an_empty_search_says_what_to_try(
    live_server: str, people: list[SeedExperience], page: Any, console: Console
) -> None:
    release = asyncio.Event()

    async def slow(route: Any) -> None:
        await release.wait()
        with contextlib.suppress(PlaywrightError):
            await route.continue_()

    await page.route("**/api/v1/experiences/search?*", slow)
    await page.goto(live_server + "/experiences")
    state = page.locator("#experience-state")
    await expect(state).to_have_attribute("data-state", "loading")
    await expect(page.locator("#experience-status")).to_have_text("Loading experiences…")
    await expect(page.locator("#pager")).to_be_hidden()
    await screenshot(page, "experiences-loading")
    release.set()
    await expect(state).to_have_attribute("data-state", "results")
    await expect(page.locator("#pager")).to_be_visible()
    await page.unroute("**/api/v1/experiences/search?*")

    await page.get_by_label("Skills, roles, organisations, tags").fill("zyxwvut")
    await page.keyboard.press("Enter")
    await expect(state).to_have_attribute("data-state", "empty")
    await expect(page.locator("#experience-status")).to_have_text('No experience matches "zyxwvut".')
    await expect(page.locator("#experience-hint")).to_contain_text("Try fewer or shorter words")
    await expect(page.locator(CARDS)).to_have_count(0)
    await screenshot(page, "experiences-empty")
    await page.get_by_role("button", name="Clear search and filters").click()
    await expect(page.locator(CARDS)).to_have_count(10)
    await expect(page.get_by_label("Skills, roles, organisations, tags")).to_have_value("")
    assert console.errors == []


async def test_a_failed_search_offers_a_retry_that_works(
    live_server: str, people: list[SeedExperience], page: Any, console: Console
) -> None:
    async def unavailable(route: Any) -> None:
        body = {"status_code": 503, "detail": "database is temporarily unavailable, retry shortly"}
        await route.fulfill(status=503, content_type="application/json", body=json.dumps(body))

    await page.route("**/api/v1/experiences/search?*", unavailable)
    await page.goto(live_server + "/experiences")
    state = page.locator("#experience-state")
    await expect(state).to_have_attribute("data-state", "error")
    await expect(page.locator("#experience-status")).to_contain_text("Search failed: database is temporarily")
    await expect(page.locator("#pager")).to_be_hidden()
    await screenshot(page, "experiences-error")

    await page.unroute("**/api/v1/experiences/search?*")
    await page.get_by_role("button", name="Try again").click()
    await expect(state).to_have_attribute("data-state", "results")
    await expect(page.locator(CARDS)).to_have_count(10)
    await expect(page.get_by_role("button", name="Try again")).to_be_hidden()
    # The browser reports the 503 itself; the page adds nothing of its own.
    assert [e for e in console.errors if "503" not in e] == []
