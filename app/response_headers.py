"""Headers on every response, whoever produced it: a request id and the security headers.

Litestar's `response_headers` skip error answers and static files; a `before_send` hook sees
every message the app sends (handlers, exception handlers, the static router, 404s of the
router), so the headers are set in exactly one place.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's (or proxy's) id is kept when it is short and plain, so logs can be joined up;
# anything else is replaced rather than echoed into headers and logs.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_STATE_KEY = "levelith_request_id"

# Everything the pages load comes from this origin: no inline script, no CDN. JSON answers get
# the strictest policy, since nothing they contain should ever run or be framed.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs page (swagger-ui, served from the swagger-ui-bundle package): its React
# components set inline style attributes, so styles may be inline; scripts may not.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def request_id(scope: Scope | Any) -> str:
    """This request's id: the client's X-Request-ID when it is plain, else a new one (kept in the scope)."""
    state = scope.setdefault("state", {})
    found = state.get(_STATE_KEY)
    if found is None:
        given = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                given = value.decode("latin-1")
                break
        found = given if _CLIENT_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state[_STATE_KEY] = found
    return str(found)


def _policy(path: str, content_type: str) -> str:
    if path.startswith("/schema/docs"):
        return DOCS_CSP
    if content_type.startswith("text/html"):
        return PAGE_CSP
    return API_CSP


async def add_response_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook: the request id and the security headers on every HTTP response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)  # type: ignore[arg-type]
    headers[REQUEST_ID_HEADER] = request_id(scope)
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    headers["Content-Security-Policy"] = _policy(scope.get("path", ""), headers.get("content-type") or "")
