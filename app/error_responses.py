"""The error answers of every endpoint, in the OpenAPI document.

Litestar documents a 400 for any handler with parameters, but this API answers bad input with a
422 naming the field, a bad token with 401, and a database outage with 503. Clients (and the
schemathesis run) read the document, so each handler's possible errors are derived here from
what it asks for: a body or parameters can be refused (422), a user means a token that can be
wrong (401), `admin_user` means 403 for everyone else, a path parameter can name nothing (404),
the database can be down (503). Errors a handler's rules add (409 on a taken name, 429 from the
login limiter, 403 for someone else's experience) are declared on the handler with `errors()`.
"""

from __future__ import annotations

import inspect
from http import HTTPStatus

from litestar import Litestar
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from app.errors import ErrorBody

# Parameters Litestar fills itself: never client input.
_RESERVED = {"self", "request", "state", "scope", "headers", "cookies", "query", "body", "socket", "data"}
_USERS = {"current_user", "optional_user", "admin_user"}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """`responses=` for a handler: the error statuses its own rules can answer."""
    return {
        status: ResponseSpec(data_container=ErrorBody, description=HTTPStatus(status).phrase)
        for status in statuses
    }


def _dependency_names(provider: Provide, providers: dict[str, Provide], seen: set[str]) -> set[str]:
    names = set(inspect.signature(provider.dependency).parameters)
    found = set(names)
    for name in names - seen:
        if name in providers:
            found |= _dependency_names(providers[name], providers, seen | {name})
    return found


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
            derived = errors(*sorted(_statuses(handler, bool(route.path_parameters))))
            handler.responses = {**derived, **(handler.responses or {})}
