from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.services.health import readiness


@get("/health", summary="Process is up", tags=["health"], cache=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/ready",
    summary="PostgreSQL and the search engine are reachable",
    tags=["health"],
    cache=False,
    responses={503: ResponseSpec(dict[str, Any], description="Not ready: `failing` names the parts")},
)
async def ready(state: State) -> Response[dict[str, object]]:
    checks = await readiness(state.engine, state.search)
    ok = all(value == "ok" for value in checks.values())
    failing = [name for name, value in checks.items() if value != "ok"]
    body: dict[str, object] = {"status": "ready" if ok else "unavailable", "checks": checks}
    if failing:
        body["failing"] = failing
    return Response(
        body,
        status_code=HTTP_200_OK if ok else HTTP_503_SERVICE_UNAVAILABLE,
        headers={} if ok else {"Retry-After": "5"},
    )
