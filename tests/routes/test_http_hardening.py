"""Headers, CORS and body limits every response gets."""

from __future__ import annotations

import logging
from dataclasses import replace

from litestar import post
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.config import Settings


async def test_responses_carry_security_headers(client: AsyncTestClient) -> None:
    response = await client.get("/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_cors_allows_only_configured_origins(settings: Settings) -> None:
    app = create_app(replace(settings, cors_origins=["https://levelith.example"]))
    async with AsyncTestClient(app=app) as client:
        allowed = await client.get("/health", headers={"Origin": "https://levelith.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://levelith.example"
        other = await client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


@post("/echo-size")
async def echo_size(data: dict[str, str]) -> dict[str, int]:
    return {"size": sum(len(v) for v in data.values())}


async def test_oversized_bodies_are_refused_with_413(settings: Settings) -> None:
    app = create_app(settings)
    app.register(echo_size)
    async with AsyncTestClient(app=app) as client:
        small = await client.post("/echo-size", json={"a": "x" * 100})
        assert small.status_code == 201
        big = await client.post("/echo-size", json={"a": "x" * (2 * 1024 * 1024)})
        assert big.status_code == 413


@post("/explode")
async def explode() -> None:
    raise RuntimeError("boom")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_500_has_the_contract_body_a_request_id_and_a_logged_traceback(settings: Settings) -> None:
    app = create_app(settings)
    app.register(explode)
    seen = _Records()
    logging.getLogger("app.errors").addHandler(seen)
    try:
        async with AsyncTestClient(app=app) as client:
            response = await client.post("/explode")
    finally:
        logging.getLogger("app.errors").removeHandler(seen)
    assert response.status_code == 500
    body = response.json()
    request_id = response.headers["x-request-id"]
    assert body == {
        "status_code": 500,
        "error": "internal",
        "detail": "Internal Server Error",
        "field": None,
        "errors": None,
        "request_id": request_id,
    }
    assert response.headers["x-content-type-options"] == "nosniff"
    logged = [r for r in seen.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None and "boom" in str(logged[0].exc_info[1])


async def test_every_answer_carries_request_id_and_security_headers(client: AsyncTestClient) -> None:
    answers = [
        await client.get("/experiences"),
        await client.get("/reset-password"),
        await client.get("/"),
        await client.get("/no/such/page"),
        await client.get("/api/v1/users/me"),
        await client.get("/api/v1/naics/search", params={"limit": "abc"}),
        await client.get("/schema/docs"),
        await client.get("/static/site.css"),
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 404, 401, 422, 200, 200]
    for response in answers:
        assert response.headers["x-request-id"]
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    for page in answers[:3]:
        assert "script-src 'self'" in page.headers["content-security-policy"]
    for error in answers[3:6]:
        assert error.json()["request_id"] == error.headers["x-request-id"]
    chosen = await client.get("/health", headers={"X-Request-ID": "trace-42"})
    assert chosen.headers["x-request-id"] == "trace-42"
    forged = await client.get("/health", headers={"X-Request-ID": "a\tb" + "x" * 100})
    assert forged.headers["x-request-id"] != "a\tb" + "x" * 100


async def test_api_docs_are_served_from_the_package_without_a_cdn(client: AsyncTestClient) -> None:
    page = await client.get("/schema/docs")
    assert "https://" not in page.text and "<script>" not in page.text
    for asset in (
        "/schema/docs/assets/swagger-ui-bundle.js",
        "/schema/docs/assets/swagger-ui.css",
        "/schema/docs/init.js",
    ):
        assert (await client.get(asset)).status_code == 200, asset
    assert (await client.get("/schema/openapi.json")).json()["openapi"].startswith("3.")
    assert (await client.get("/schema/redoc")).status_code == 404
