"""The learned classifier: classify, suggestions for experiences, retraining, and how it orders
hits inside a tier without ever breaking the tier contract."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.config import Settings
from app.models import NaicsCode
from app.services.naics_classifier import MAX_CLASSIFY_TEXT, learned_signal
from tests.search.conftest import SearchWorld
from tests.support.accounts import sign_up
from tests.support.experience_bodies import create_experience
from tests.support.waiting import eventually

CLASSIFY = "/api/v1/naics/classify"
SEARCH = "/api/v1/naics/search"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The shared test settings leave the classifier off; here it is what is tested.
    return replace(settings, classifier_refresh_seconds=Settings.classifier_refresh_seconds)


async def classify(client: AsyncTestClient[Any], text: str) -> list[dict[str, Any]]:
    response = await client.post(CLASSIFY, json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()["suggestions"]


async def test_classify_gives_five_likely_six_digit_codes(search_world: SearchWorld) -> None:
    suggestions = await classify(search_world.search, "family dentist office, fillings and cleanings")
    assert len(suggestions) == 5
    assert suggestions[0]["code"] == "621210"
    assert all(len(s["code"]) == 6 and s["title"] for s in suggestions)
    confidences = [s["confidence"] for s in suggestions]
    assert all(0 <= c <= 1 for c in confidences) and confidences == sorted(confidences, reverse=True)
    assert len({s["code"] for s in suggestions}) == 5


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_CLASSIFY_TEXT + 1)])
async def test_classify_refuses_blank_or_oversized_text(search_world: SearchWorld, text: str) -> None:
    response = await search_world.search.post(CLASSIFY, json={"text": text})
    assert response.status_code == 422
    assert response.json()["field"] == "text"


async def test_classify_refuses_a_body_without_text(search_world: SearchWorld) -> None:
    response = await search_world.search.post(CLASSIFY, json={"words": "dentist"})
    assert response.status_code in {400, 422}


async def test_an_experience_without_a_code_gets_suggestions(client: AsyncTestClient[Any]) -> None:
    await classify(client, "warm up")  # the process's first training, which requests never wait for
    ada = await sign_up(client, "ada")
    created = await create_experience(
        client, ada, "gig", naics_code=None, title="Dental hygienist", organization="Smile Dental Clinic"
    )
    assert created["naics"]["classified"] is False
    assert created["naics_suggestions"][0]["code"] == "621210"
    assert len(created["naics_suggestions"]) == 5
    # Given a code, an edit carries none; taken away, suggestions come back.
    url = f"/api/v1/experiences/{created['id']}"
    coded = await client.patch(url, json={"naics_code": "621210"}, headers=ada.auth)
    assert coded.status_code == 200 and "naics_suggestions" not in coded.json()
    uncoded = await client.patch(url, json={"naics_code": None}, headers=ada.auth)
    assert uncoded.json()["naics_suggestions"][0]["code"] == "621210"
    # Reading it back never classifies.
    assert "naics_suggestions" not in (await client.get(url)).json()


async def test_the_classifier_retrains_when_the_catalogue_changes(
    settings: Settings, db_engine: AsyncEngine
) -> None:
    from app.asgi import create_app

    # Titles and descriptions only: a catalogue that trains in a moment even on a busy machine.
    async with AsyncSession(db_engine) as session, session.begin():
        await session.execute(update(NaicsCode).values(keywords=[]))
    quick = replace(settings, classifier_refresh_seconds=0.05, typeahead_refresh_seconds=0)
    trainings_before = REGISTRY.get_sample_value("levelith_classifier_builds_total") or 0
    async with AsyncTestClient(app=create_app(quick)) as client:
        assert (await classify(client, "zorbulating quuxwidgets"))[0]["code"] != "541511"
        async with AsyncSession(db_engine) as session, session.begin():
            await session.execute(
                update(NaicsCode)
                .where(NaicsCode.code == "541511")
                .values(
                    keywords=["zorbulating quuxwidgets"],
                )
            )

        async def learned() -> bool:
            return (await classify(client, "zorbulating quuxwidgets"))[0]["code"] == "541511"

        await eventually(learned, within=60, step=0.5)
    # Operators see each training on /metrics: the first one and the one after the change.
    assert (REGISTRY.get_sample_value("levelith_classifier_builds_total") or 0) >= trainings_before + 2


def tiers_hold(items: list[dict[str, Any]]) -> bool:
    scores = [i["score"] for i in items]
    return scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["restaurant", "pharmacy", "dental", "software", "coffee shop", "sofware"])
async def test_the_learned_signal_orders_hits_inside_their_tier(
    search_world: SearchWorld, query: str
) -> None:
    for client in (search_world.search, search_world.fallback):
        body = (await client.get(SEARCH, params={"q": query, "explain": "true", "limit": 20})).json()
        items = body["items"]
        assert items and tiers_hold(items)
        for before, after in pairwise(items):
            if before["score"] == after["score"]:
                assert before["explain"]["signals"]["learned"] >= after["explain"]["signals"]["learned"]


async def test_a_level_six_search_puts_the_likeliest_industry_first(search_world: SearchWorld) -> None:
    # Several codes hold "coffee" and "shop" in the same tier; the learned signal picks the
    # one whose index items people describe that way (snack and nonalcoholic beverage bars).
    body = (await search_world.search.get(SEARCH, params={"q": "coffee shop", "level": 6})).json()
    assert body["items"][0]["code"] == "722515"


async def test_a_word_only_the_titles_above_hold_still_counts(search_world: SearchWorld) -> None:
    # Every code whose title says "electric" holds one word of "electric utility" (a some_words
    # hit); of them, only the electricity codes sit under the sector titled Utilities, which
    # counts as a word more. Only a process holding the catalogue knows the titles above (the
    # typeahead client; the search client runs without it), with the same classifier.
    params = {"q": "electric utility", "level": 6, "limit": 50, "explain": "true"}

    async def signals(client: AsyncTestClient[Any]) -> dict[str, float]:
        body = (await client.get(SEARCH, params=params)).json()
        return {
            item["code"]: item["explain"]["signals"]["learned"]
            for item in body["items"]
            if item["match_type"] == "some_words"
        }

    knowing, plain = await signals(search_world.typeahead), await signals(search_world.search)
    extra = {code: round(knowing[code] - plain[code], 3) for code in plain}
    assert extra["221122"] == extra["221121"] == 1.0
    assert {extra[code] for code in plain if not code.startswith("22")} == {0.0}
    some_words = sorted(knowing, key=knowing.__getitem__, reverse=True)
    assert some_words[0].startswith("2211"), some_words


async def test_guesses_come_after_every_rule_tier_and_only_fill_the_page(search_world: SearchWorld) -> None:
    body = (await search_world.search.get(SEARCH, params={"q": "pizza delivery drones", "limit": 20})).json()
    types = [i["match_type"] for i in body["items"]]
    assert "classifier" in types and tiers_hold(body["items"])
    first_guess = types.index("classifier")
    assert set(types[first_guess:]) == {"classifier"} and body["items"][first_guess]["score"] == 10
    # A second page never repeats guesses: they only top up the first.
    second = (
        await search_world.search.get(SEARCH, params={"q": "pizza delivery drones", "offset": 20})
    ).json()
    assert "classifier" not in {i["match_type"] for i in second["items"]}


class _Sure:
    """An assessment sure of one code that knows nothing of the rest."""

    def __init__(self, code: str, confidence: float) -> None:
        self.code, self.sure = code, confidence

    def confidence(self, code: str) -> float:
        return self.sure if code == self.code else 0.0


@pytest.mark.parametrize(("confidence", "first"), [(0.9, "221122"), (0.3, "926130")])
def test_a_sure_guess_outweighs_one_word_more_and_an_unsure_one_does_not(
    confidence: float, first: str
) -> None:
    # Inside a broad tier: 926130 holds both words of "electric utility", 221122 one of them.
    signal = learned_signal(_Sure("221122", confidence), {"926130": 2, "221122": 1})  # type: ignore[arg-type]
    assert max(("926130", "221122"), key=signal) == first
