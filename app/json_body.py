"""JSON request bodies checked before Litestar decodes them: media type, emptiness, depth, syntax.

Left to the decoder, a body nested 1,000 levels deep exhausts msgspec's recursion limit (a
RecursionError, i.e. a 500), an empty body surfaces as a KeyError text, and a `text/plain`
body is parsed as JSON. Each of these is refused here with the error contract's answer:
415 for another media type, 422 for everything about the body's content (docs/errors.md).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import SerializationException

from app.errors import ErrorBody, FieldMessage, error_response, unprocessable

# Far deeper than any body of this API (a JSON Resume is 4 levels), far below the decoder's
# recursion limit (about 1,000).
MAX_JSON_DEPTH = 32
_WRITES = {"POST", "PUT", "PATCH"}
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in `body` (brackets inside strings do not count)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _body_type(request: Request[Any, Any, Any]) -> Any:
    parameter = request.route_handler.parsed_fn_signature.parameters.get("data")
    return parameter.annotation if parameter is not None else None


def _required_fields(body_type: Any) -> list[str]:
    if isinstance(body_type, type) and issubclass(body_type, msgspec.Struct):
        return [f.encode_name for f in msgspec.structs.fields(body_type) if f.required]
    return []


async def refuse_bad_json_body(request: Request[Any, Any, Any]) -> Response[ErrorBody] | None:
    """The answer for a write whose JSON body cannot be handled, or None to let it through."""
    if request.method not in _WRITES:
        return None
    body_type = _body_type(request)
    if body_type is None:
        return None
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type and not _is_json(media_type):
        return error_response(
            request, 415, f"the body must be application/json, not {media_type[:100]}", field="Content-Type"
        )
    body = await request.body()
    if not body.strip():
        missing = _required_fields(body_type)
        if not missing:
            return unprocessable(request, None, "the body is empty: send a JSON object", error="empty_body")
        return error_response(
            request,
            422,
            f"the body is empty: missing required fields {', '.join(missing)}",
            error="empty_body",
            field=missing[0],
            errors=[FieldMessage(field=name, message="required") for name in missing],
        )
    depth = json_depth(body)
    if depth > MAX_JSON_DEPTH:
        return unprocessable(
            request,
            None,
            f"the body nests arrays/objects {depth} levels deep; at most {MAX_JSON_DEPTH}",
            error="too_deep",
        )
    try:
        await request.json()  # cached on the connection: the handler's decoding reuses it
    except SerializationException as exc:
        return unprocessable(request, None, f"the body is not valid JSON: {exc}", error="malformed_json")
    return None
