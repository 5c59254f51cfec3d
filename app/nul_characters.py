"""Refuse NUL characters at the door: PostgreSQL text and jsonb cannot store U+0000.

Left alone, a NUL in a path segment, a query parameter or anywhere in a JSON body reaches
asyncpg and comes back as a database error (a 500). Every such request is instead a 422 naming
the parameter or the body field (dotted path, e.g. `experience_metadata.note`, `tags[1]`).
The one exception is search text (`q`): it is normalised to letters and digits before any back
end sees it (app/search/text.py), so a NUL there is only one more non-letter.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import SerializationException

from app.errors import ErrorBody, unprocessable
from app.json_body import refuse_bad_json_body

# "\u0000" as JSON writes it, not preceded by an escaping backslash ("\\u0000" is harmless text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_WRITES = {"POST", "PUT", "PATCH"}
_NORMALISED_TEXT = {"q"}


def _refuse(request: Request[Any, Any, Any], field: str, where: str) -> Response[ErrorBody]:
    return unprocessable(
        request, field, f"{where} may not contain NUL (U+0000) characters", error="nul_character"
    )


def nul_path(value: Any, path: str = "") -> str | None:
    """Dotted path of the first string (value or key) holding a NUL, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return inner.replace("\x00", "\\u0000")
            found = nul_path(item, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> Response[ErrorBody] | None:
    """A `before_request` hook: None lets the request through."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            return _refuse(request, name, "a path segment")
    query_string = request.scope.get("query_string", b"")
    # A NUL can only arrive percent-encoded; most requests skip parsing the query here.
    if b"%00" in query_string or b"\x00" in query_string:
        for name, value in request.query_params.multi_items():
            if "\x00" in name or ("\x00" in value and name not in _NORMALISED_TEXT):
                return _refuse(request, name.replace("\x00", "\\u0000"), "a query parameter")
    if request.method in _WRITES:
        body = await request.body()
        if _JSON_NUL.search(body):
            try:
                decoded = await request.json()  # depth already bounded by app/json_body.py
            except SerializationException:
                return None  # not JSON: the handler's own validation answers
            field = nul_path(decoded)
            if field is not None:
                return _refuse(request, field or "body", "text")
    return None


async def check_request(request: Request[Any, Any, Any]) -> Response[ErrorBody] | None:
    """The app's `before_request`: bodies it cannot handle, then NUL characters anywhere."""
    return await refuse_bad_json_body(request) or await refuse_nul_characters(request)
