"""GET /metrics in the Prometheus text format, for loopback clients or METRICS_TOKEN holders."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotAuthorizedException
from prometheus_client import CONTENT_TYPE_LATEST

from app.services.metrics import exposition, scrape_allowed


@get("/metrics", include_in_schema=False, cache=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    client = request.client.host if request.client else None
    if not scrape_allowed(client, request.headers.get("authorization"), state.settings.metrics_token):
        raise NotAuthorizedException(
            "metrics answer loopback clients, or the bearer token in METRICS_TOKEN when it is set"
        )
    body = await exposition(state.sessions, state.engine)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
