"""The industry picker on "/", used the way a person uses it: typing, arrow keys, chips."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect

from app.config import Settings
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


# ---------------------------------------------------------------- after choosing, and the badges

MANY_KEYWORDS = [
    f"dental {word}"
    for word in ["crowns", "bridges", "fillings", "implants", "braces", "dentures", "veneers"]
]
HUMAN_BADGES = {
    "is this code",
    "code starts with this",
    "is the title",
    "title starts with this",
    "matches a common name",
    "matches a Census index term",
    "words in the title",
    "words in a common name",
    "words in a Census index term",
    "words in the description",
    "similar spelling",
    "some of your words",
}


@pytest.fixture
async def dentists_keywords(settings: Settings, catalogue: None) -> list[str]:
    """More keywords on 621210 than the details show at first (the built-in catalogue has none)."""
    from sqlalchemy import update
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db.engine import create_engine
    from app.models import NaicsCode

    engine = create_engine(settings, pool=False)
    try:
        async with AsyncSession(engine) as session:
            await session.execute(
                update(NaicsCode).where(NaicsCode.code == "621210").values(keywords=MANY_KEYWORDS)
            )
            await session.commit()
    finally:
        await engine.dispose()
    return MANY_KEYWORDS


async def test_a_choice_fills_the_box_lists_keywords_briefly_and_a_new_query_clears_it(
    dentists_keywords: list[str], live_server: str, page: Any, console: Console
) -> None:
    await page.goto(live_server + "/")
    await type_query(page, "dent")
    await listed_for(page, "dent")
    badges = await page.locator(f"{OPTIONS} .match").all_inner_texts()
    assert badges and set(badges) <= HUMAN_BADGES, badges

    await page.locator("#industry-options-621210").click()
    box = page.get_by_role("combobox")
    await expect(box).to_have_value("621210 Offices of Dentists")
    details = page.locator("#industry-details")
    await expect(details).to_be_visible()
    shown = page.locator("#details-keywords > ul.keyword-list > li")
    await expect(shown).to_have_count(6)
    more = page.locator("#details-keywords details")
    await expect(more.locator("summary")).to_have_text("1 more")
    await expect(more.locator("li")).to_be_hidden()
    await more.locator("summary").click()
    await expect(more.locator("li")).to_have_text(dentists_keywords[6:])
    await screenshot(page, "picker-621210-chosen-keywords")

    # A new query: the old choice's details go at the first keystroke.
    await box.fill("")
    await box.press_sequentially("plumb")
    await expect(details).to_be_hidden()
    await expect(page.locator("#details-title")).to_be_empty()
    await listed_for(page, "plumb")
    await page.locator(OPTIONS).first.click()
    await expect(details).to_be_visible()
    await expect(box).not_to_have_value("plumb")

    # Clearing the box (Escape with the list closed) clears the choice too.
    await box.press("Escape")
    if await box.input_value():
        await box.press("Escape")
    await expect(box).to_have_value("")
    await expect(details).to_be_hidden()
    assert console.errors == []


def api_calls(page: Any) -> list[str]:
    calls: list[str] = []
    page.on(
        "request",
        lambda request: (
            calls.append(urlparse(request.url).path.rsplit("/", 1)[-1])
            if "/api/v1/naics/" in request.url
            else None
        ),
    )
    return calls


async def test_one_request_per_keystroke_and_facet_counts_once_typing_pauses(
    live_server: str, page: Any, console: Console
) -> None:
    calls = api_calls(page)
    await page.goto(live_server + "/")
    word = "restaurant"
    # Slower than the list's debounce, faster than the facets' one: every keystroke gets its list.
    await type_query(page, word, delay=180)
    await listed_for(page, word)
    await expect(page.locator('#facet-sector .chip[data-value="72"]')).to_be_visible()
    assert calls.count("autocomplete") == len(word), calls
    assert calls.count("search") == 1, "facet counts: one call, after the typing stopped"
    assert calls[-1] == "search"
    assert console.errors == []


async def test_on_a_narrow_screen_facet_counts_wait_until_the_filters_are_opened(
    live_server: str, page: Any, console: Console
) -> None:
    await page.set_viewport_size({"width": 480, "height": 900})
    calls = api_calls(page)
    await page.goto(live_server + "/")
    await type_query(page, "dent")
    await listed_for(page, "dent")
    await page.wait_for_timeout(600)  # longer than the facets' debounce: nothing more is asked
    assert "search" not in calls, calls
    await expect(page.locator("#industry-facets")).to_be_hidden()

    await page.get_by_role("button", name="Filters").click()
    await expect(page.locator('#facet-sector .chip[data-value="62"]')).to_be_visible()
    assert calls.count("search") == 1
    await screenshot(page, "picker-narrow-filters")
    assert console.errors == []


async def test_spelling_corrections_and_older_codes_are_said_in_words(
    live_server: str, page: Any, console: Console
) -> None:
    # The fields of the did-you-mean and former-code answers (docs: /work/contracts.md, issue 12)
    # arrive from another branch: until this server produces them, the answer is intercepted.
    def item(code: str, title: str, match_type: str, source: dict[str, str] | None) -> dict[str, Any]:
        return {
            "code": code,
            "display_code": code,
            "title": title,
            "level": 6,
            "sector": "51",
            "sector_title": "Information",
            "category": "technology",
            "score": 95 if match_type == "former_code" else 93,
            "match_type": match_type,
            "source_code": source,
        }

    answer = {
        "items": [
            item("513210", "Software Publishers", "former_code", {"scheme": "naics2017", "code": "511210"}),
            item(
                "541511",
                "Custom Computer Programming Services",
                "sic_code",
                {"scheme": "sic", "code": "7371"},
            ),
        ],
        "total": 2,
        "engine": "opensearch",
        "corrected_query": "software",
    }

    async def fulfil(route: Any) -> None:
        await route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

    await page.route("**/api/v1/naics/autocomplete?*", fulfil)
    await page.goto(live_server + "/")
    await type_query(page, "sofware")
    await listed_for(page, "sofware")
    await expect(page.locator("#industry-correction")).to_have_text("Showing results for software")
    await expect(page.locator("#industry-options-513210 .match")).to_have_text(
        "formerly 511210 in NAICS 2017"
    )
    await expect(page.locator("#industry-options-541511 .match")).to_have_text("SIC 7371 maps here")
    await screenshot(page, "picker-correction-and-former-codes")

    # An answer without the fields shows neither.
    answer = {
        **answer,
        "corrected_query": None,
        "items": [item("513210", "Software Publishers", "title_prefix", None)],
    }
    await page.get_by_role("combobox").press_sequentially("s")
    await listed_for(page, "sofwares")
    await expect(page.locator("#industry-correction")).to_be_hidden()
    await expect(page.locator("#industry-options-513210 .match")).to_have_text("title starts with this")
    assert console.errors == []
