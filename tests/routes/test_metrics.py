"""GET /metrics: what an operator's Prometheus scrapes, and who may scrape it."""

from __future__ import annotations

from dataclasses import replace

import httpx
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from app.asgi import create_app
from app.config import Settings
from tests.support.live_server import serve
from tests.support.metrics import samples, value


def test_loopback_scrape_counts_routes_engines_outbox_pool_and_typeahead(settings: Settings) -> None:
    with serve(settings) as base:
        for q in ("sof", "soft", "software"):
            assert httpx.get(f"{base}/api/v1/naics/autocomplete", params={"q": q}).status_code == 200
        response = httpx.get(f"{base}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)

    route = "/api/v1/naics/autocomplete"
    assert (value(found, "levelith_http_requests_total", path=route, status_code="200") or 0) >= 3
    assert value(found, "levelith_http_request_duration_seconds_count", path=route) is not None
    # One series per route template, never one per URL.
    assert value(found, "levelith_http_requests_total", path="/api/v1/naics/autocomplete?q=sof") is None
    assert (
        value(found, "levelith_search_answers_total", endpoint="naics_autocomplete", engine="memory") or 0
    ) >= 3
    # The seeded catalogue waits in the outbox (no indexer runs here); no experience does.
    assert (value(found, "levelith_outbox_pending_rows", kind="naics") or 0) > 0
    assert value(found, "levelith_outbox_pending_rows", kind="experiences") == 0
    assert value(found, "levelith_outbox_oldest_pending_seconds", kind="experiences") == 0
    assert value(found, "levelith_db_pool_size") == settings.db_pool_size
    assert value(found, "levelith_db_pool_checked_out") is not None
    assert (value(found, "levelith_typeahead_rebuilds_total") or 0) >= 1
    assert (value(found, "levelith_typeahead_rebuild_seconds_count") or 0) >= 1


async def test_search_answered_by_postgres_is_labelled_so(settings: Settings) -> None:
    broken = replace(
        settings,
        opensearch_url="http://127.0.0.1:9",
        opensearch_timeout=0.5,
        typeahead_refresh_seconds=0,
        metrics_token="scrape-me",
    )
    before = REGISTRY.get_sample_value(
        "levelith_search_answers_total", {"endpoint": "naics_search", "engine": "postgres"}
    )
    async with AsyncTestClient(app=create_app(broken)) as client:
        answer = await client.get("/api/v1/naics/search", params={"q": "bakeries"})
        assert answer.json()["engine"] == "postgres"
        scraped = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    after = value(
        samples(scraped.text), "levelith_search_answers_total", endpoint="naics_search", engine="postgres"
    )
    assert after == (before or 0) + 1


async def test_not_public_without_the_token(settings: Settings) -> None:
    # The test client is not a loopback address: a remote scraper.
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/metrics")).status_code == 401
    guarded = replace(settings, metrics_token="s3cret-token")
    async with AsyncTestClient(app=create_app(guarded)) as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert right.status_code == 200
