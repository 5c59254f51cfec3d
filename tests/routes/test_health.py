from __future__ import annotations

from dataclasses import replace

from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.config import Settings


async def test_health_answers_without_touching_engines(client: AsyncTestClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_both_engines_answer(client: AsyncTestClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "opensearch": "ok"}


async def test_ready_names_the_search_engine_when_it_is_unreachable(settings: Settings) -> None:
    broken = replace(settings, opensearch_url="http://127.0.0.1:9", opensearch_timeout=0.5)
    async with AsyncTestClient(app=create_app(broken)) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["opensearch"]
    assert response.json()["checks"]["postgres"] == "ok"
    assert response.headers["retry-after"]


async def test_ready_names_the_database_when_it_is_unreachable(settings: Settings, tmp_path) -> None:
    broken = replace(settings, database_url=f"postgresql://postgres@/postgres?host={tmp_path}")
    async with AsyncTestClient(app=create_app(broken)) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["postgres"]
