"""Headers, CORS and body limits every response gets."""

from __future__ import annotations

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
