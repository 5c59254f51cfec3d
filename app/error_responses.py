"""The error answers of every endpoint, in the OpenAPI document.

Litestar documents a 400 for any handler with parameters, but this API answers bad input with a
422 naming the field, a bad token with 401, and a database outage with 503. Clients (and the
schemathesis run) read the document, so each handler's possible errors are derived here from
what it asks for: a body or parameters can be refused (422), a user means a token that can be
wrong (401), `admin_user` means 403 for everyone else, a path parameter can name nothing (404),
the database can be down (503). Errors a handler's rules add (409 on a taken name, 429 from the
login limiter, 403 for someone else's experience) are declared on the handler with `errors()`.

Each error answer carries an example body, built as an ErrorBody (app/errors.py) with the short
code the API sends for that status: a change of the error contract reaches the examples too.
A 422's example names a field the route really takes.
"""

from __future__ import annotations

import inspect
from http import HTTPStatus
from typing import Any, NamedTuple

import msgspec
from litestar import Litestar
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.routes import HTTPRoute

from app.auth.dependencies import UNAUTHORIZED
from app.errors import ErrorBody, error_code

# Parameters Litestar fills itself: never client input.
_RESERVED = {"self", "request", "state", "scope", "headers", "cookies", "query", "body", "socket", "data"}
_USERS = {"current_user", "optional_user", "admin_user"}
# Parameters whose refusal a client meets most, in the order examples prefer them.
_LIKELY_REFUSED = ("q", "limit", "code")
# Every example carries one (made-up) request id; a real answer's id is also its X-Request-ID.
EXAMPLE_REQUEST_ID = "0f3c2a9be41d4c6f"


class ErrorExample(NamedTuple):
    detail: str
    field: str | None = None
    error: str | None = None  # the short code, when not the status's usual one


def error_example(status: int, example: ErrorExample) -> dict[str, Any]:
    """An error body as the API sends it, for the document."""
    body = ErrorBody(
        status_code=status,
        error=example.error or error_code(status),
        detail=example.detail,
        field=example.field,
        request_id=EXAMPLE_REQUEST_ID,
    )
    built = msgspec.to_builtins(body)
    assert isinstance(built, dict)
    return built


# A typical answer for each status; routes may give their own (errors(409, e409=...)).
_TYPICAL: dict[int, ErrorExample] = {
    401: ErrorExample(UNAUTHORIZED),
    403: ErrorExample("only the owner or an administrator may do this"),
    404: ErrorExample("not found"),
    409: ErrorExample("this username is already taken", "username"),
    413: ErrorExample("request body too large"),
    415: ErrorExample("send the body as application/json"),
    422: ErrorExample("title: Expected `str` of length >= 1", "title"),
    429: ErrorExample("rate limit exceeded"),
    503: ErrorExample("database is temporarily unavailable, retry shortly"),
}
# Details as the API words them for parameters many routes share.
_REFUSALS = {
    "q": "q must be at most 200 characters (got 201)",
    "limit": "limit must be at least 1",
}


def errors(*statuses: int, **examples: ErrorExample) -> dict[int, ResponseSpec]:
    """`responses=` for a handler: the error statuses its own rules can answer.

    examples: a route's own example for a status, keyed "e409" etc.; else the typical one.
    """
    specs = {}
    for status in statuses:
        example = examples.get(f"e{status}") or _TYPICAL.get(status, ErrorExample(HTTPStatus(status).phrase))
        specs[status] = ResponseSpec(
            data_container=ErrorBody,
            description=HTTPStatus(status).phrase,
            examples=[Example(summary=example.detail, value=error_example(status, example))],
        )
    return specs


def _dependency_names(provider: Provide, providers: dict[str, Provide], seen: set[str]) -> set[str]:
    names = set(inspect.signature(provider.dependency).parameters)
    found = set(names)
    for name in names - seen:
        if name in providers:
            found |= _dependency_names(providers[name], providers, seen | {name})
    return found


def _input_field(handler: HTTPRouteHandler, asked: set[str], providers: set[str]) -> str | None:
    """A field the client sends to this route: the body's first required field, else a parameter."""
    body = handler.parsed_fn_signature.parameters.get("data")
    if body is not None and isinstance(body.annotation, type) and issubclass(body.annotation, msgspec.Struct):
        fields = msgspec.structs.fields(body.annotation)
        required = [f.encode_name for f in fields if f.required]
        return (required or [f.encode_name for f in fields] or [None])[0]
    rank = {name: i for i, name in enumerate(_LIKELY_REFUSED)}
    parameters = sorted(asked - providers - _RESERVED, key=lambda name: (rank.get(name, len(rank)), name))
    return parameters[0] if parameters else None


def _statuses(handler: HTTPRouteHandler, path_parameters: bool) -> set[int]:
    providers = handler.resolve_dependencies()
    asked = set(handler.parsed_fn_signature.parameters)
    needed = set(asked)
    for name in asked & providers.keys():
        needed |= _dependency_names(providers[name], providers, {name})
    client_input = "data" in asked or bool(asked - providers.keys() - _RESERVED)
    statuses: set[int] = set()
    if client_input:
        statuses.add(422)
    if "data" in asked:
        statuses.add(415)
    if handler.opt.get("rate_limit"):
        statuses.add(429)
    if needed & _USERS:
        statuses.add(401)
    if "admin_user" in needed:
        statuses.add(403)
    if path_parameters:
        statuses.add(404)
    if "db_session" in needed:
        statuses.add(503)
    return statuses


def document_error_responses(app: Litestar) -> None:
    """Add each handler's error answers to its OpenAPI responses (before the document is built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            statuses = sorted(_statuses(handler, bool(route.path_parameters)))
            asked = set(handler.parsed_fn_signature.parameters)
            field = _input_field(handler, asked, set(handler.resolve_dependencies()))
            invalid = ErrorExample(_REFUSALS.get(field, f"{field}: invalid value"), field) if field else None
            derived = errors(*statuses, **({"e422": invalid} if invalid else {}))
            handler.responses = {**derived, **(handler.responses or {})}
