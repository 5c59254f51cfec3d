"""The experience search on "/experiences": cards, facets with counts, paging."""

from __future__ import annotations

from typing import Any

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
