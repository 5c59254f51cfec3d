"""The one error contract: every 4xx and 5xx body is built here, by handlers registered once.

Body: {"status_code", "error", "detail", "field", "errors", "request_id"}.
- `error` is a short machine-readable code ("validation", "not_found", "rate_limited", ...);
- `field` is the dotted path of the one field at fault, or null;
- `errors` lists {"field", "message"} when several fields are at fault, else null;
- `request_id` is also the response's X-Request-ID header (app/response_headers.py).
Every 500 is logged with its traceback and that id. docs/errors.md describes the contract.

Domain exceptions stay where their rules live (app/validation.py, app/services/errors.py,
app/services/catalogue_errors.py, app/services/search_input.py); this module only gives them
their HTTP answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Literal, get_args, get_origin

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import (
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.auth.dependencies import UNAUTHORIZED
from app.response_headers import request_id
from app.services.catalogue_errors import CodeNotFound, InvalidCatalogueInput
from app.services.errors import (
    ForbiddenError,
    InvalidCredentialsError,
    InvalidTokenError,
    NotFoundError,
    QuotaExceededError,
    TooManyAttemptsError,
)
from app.services.search_input import InvalidSearchInput
from app.validation import ConflictError, FieldError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

# Short codes for statuses raised by Litestar itself (routing, body size, rate limits, ...).
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}


def error_code(status: int) -> str:
    """The short `error` code of a status ("validation" for 422)."""
    return _STATUS_CODES.get(status, "error")


class FieldMessage(msgspec.Struct):
    field: str | None
    message: str


class ErrorBody(msgspec.Struct, kw_only=True):
    """Every error answer (documented in the OpenAPI responses and docs/errors.md)."""

    status_code: int
    error: str
    detail: str
    field: str | None = None
    errors: list[FieldMessage] | None = None
    request_id: str


def error_response(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    *,
    error: str | None = None,
    field: str | None = None,
    errors: Sequence[FieldMessage] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[ErrorBody]:
    body = ErrorBody(
        status_code=status,
        error=error or error_code(status),
        detail=detail,
        field=field,
        errors=list(errors) if errors and len(errors) > 1 else None,
        request_id=request_id(request.scope),
    )
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=dict(headers or {}))


def unprocessable(
    request: Request[Any, Any, Any], field: str | None, message: str, *, error: str = "validation"
) -> Response[ErrorBody]:
    """A 422 about one field (or the body as a whole when `field` is None)."""
    detail = f"{field}: {message}" if field and not message.startswith(f"{field}") else message
    return error_response(request, 422, detail, error=error, field=field)


# --- Litestar's validation of parameters and bodies -----------------------------------------

_MISSING_PARAMETER = re.compile(
    r"Missing required (?:query |path |header |cookie )?parameter '(?P<name>[^']+)'"
)
_NAMED = re.compile(r"(?:unknown|missing required) field `(?P<name>[^`]+)`")
_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_ENUM = re.compile(r"Invalid enum value")


def _choices(annotation: Any) -> list[str] | None:
    """The values an enum or Literal parameter accepts (looking inside list[...] and X | None)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if get_origin(annotation) is Literal:
        return [str(value) for value in get_args(annotation)]
    for inner in get_args(annotation):
        found = _choices(inner)
        if found:
            return found
    return None


def _parameter_choices(request: Request[Any, Any, Any], name: str) -> list[str] | None:
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(name)
    except Exception:
        return None
    return _choices(parameter.annotation) if parameter is not None else None


def _validation_item(request: Request[Any, Any, Any], item: Mapping[str, Any]) -> FieldMessage:
    message = str(item.get("message") or "invalid value")
    key = item.get("key")
    field = str(key) if key else None
    path = _PATH.search(message)
    if path:
        message = message[: path.start()]
    named = _NAMED.search(message)
    if field == "data":  # the request body: name the field inside it instead
        field = None
        if path and path.group("path"):
            field = path.group("path").lstrip(".")
        if named:
            field = f"{field}.{named.group('name')}" if field else named.group("name")
    elif field and _ENUM.search(message):
        allowed = _parameter_choices(request, field)
        if allowed:
            message = f"{message}; allowed values: {', '.join(allowed)}"
    return FieldMessage(field=field, message=message)


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    items = [_validation_item(request, e) for e in extra if isinstance(e, dict)]
    if not items:
        missing = _MISSING_PARAMETER.search(str(exc.detail))
        items = [FieldMessage(field=missing.group("name") if missing else None, message=str(exc.detail))]
    first = items[0]
    detail = f"{first.field}: {first.message}" if first.field else first.message
    return error_response(request, 422, detail, error="validation", field=first.field, errors=items)


# --- Domain exceptions ----------------------------------------------------------------------


def field_error_handler(request: Request[Any, Any, Any], exc: FieldError) -> Response[ErrorBody]:
    return unprocessable(request, exc.field or None, exc.message)


def search_input_handler(request: Request[Any, Any, Any], exc: InvalidSearchInput) -> Response[ErrorBody]:
    return unprocessable(request, exc.field, exc.message)


def catalogue_input_handler(
    request: Request[Any, Any, Any], exc: InvalidCatalogueInput
) -> Response[ErrorBody]:
    return unprocessable(request, exc.field, exc.detail, error=exc.rule)


def conflict_handler(request: Request[Any, Any, Any], exc: ConflictError) -> Response[ErrorBody]:
    return error_response(request, 409, exc.message, field=exc.field)


def code_not_found_handler(request: Request[Any, Any, Any], exc: CodeNotFound) -> Response[ErrorBody]:
    return error_response(request, 404, exc.detail, field="code")


def not_found_handler(request: Request[Any, Any, Any], _: NotFoundError) -> Response[ErrorBody]:
    return error_response(request, 404, "not found")


def forbidden_handler(request: Request[Any, Any, Any], _: ForbiddenError) -> Response[ErrorBody]:
    return error_response(request, 403, "only the owner or an administrator may do this")


def unauthorized_handler(request: Request[Any, Any, Any], _: Exception) -> Response[ErrorBody]:
    # RFC 9110: a 401 names the scheme that would work.
    return error_response(request, 401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


def too_many_handler(request: Request[Any, Any, Any], exc: TooManyAttemptsError) -> Response[ErrorBody]:
    return error_response(
        request, 429, str(exc), error="too_many_attempts", headers={"Retry-After": str(exc.retry_after)}
    )


def quota_handler(request: Request[Any, Any, Any], exc: QuotaExceededError) -> Response[ErrorBody]:
    return error_response(request, 422, str(exc), error="quota_exceeded", field=exc.field)


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    """Litestar's own answers (404 route, 405, 413, 429 from the rate limiter, ...) in this shape."""
    status = exc.status_code
    if status >= HTTP_500_INTERNAL_SERVER_ERROR:
        return internal_error_handler(request, exc)
    detail = str(exc.detail) if exc.detail else _STATUS_CODES.get(status, "error").replace("_", " ")
    headers = dict(exc.headers or {})
    if status == HTTP_429_TOO_MANY_REQUESTS and "RateLimit-Reset" in headers:
        # Litestar's rate limiter sends the draft RateLimit-* headers; clients know Retry-After.
        headers["Retry-After"] = str(max(int(headers["RateLimit-Reset"]), 1))
    return error_response(request, status, detail, headers=headers)


# --- Infrastructure ---------------------------------------------------------------------------

# SQLSTATEs that mean "the server is not there right now", whatever the driver's exception class:
# connection exceptions (class 08), admin/crash shutdown, "the database system is starting up /
# shutting down" (57P03: asyncpg raises it as a plain PostgresError while PostgreSQL restarts),
# too many connections.
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03", "53300")


def _sqlstates(exc: BaseException) -> list[str]:
    found = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str):
            found.append(state)
        current = getattr(current, "orig", None) or current.__cause__
    return found


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError | ConnectionError | OSError):
        return True
    if any(state.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES) for state in _sqlstates(exc)):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    return False


def unavailable(request: Request[Any, Any, Any], part: str) -> Response[ErrorBody]:
    return error_response(
        request,
        HTTP_503_SERVICE_UNAVAILABLE,
        f"{part} is temporarily unavailable, retry shortly",
        error="unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    log.error(
        "unhandled error during %s %s (request_id=%s)",
        request.method,
        request.url.path,
        request_id(request.scope),
        exc_info=exc,
    )
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")


def database_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    if _is_connection_error(exc):
        log.warning(
            "database unavailable during %s %s (request_id=%s): %s",
            request.method,
            request.url.path,
            request_id(request.scope),
            exc,
        )
        return unavailable(request, "database")
    return internal_error_handler(request, exc)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Callable[..., Response[Any]]] = {
    ValidationException: validation_handler,
    NotAuthorizedException: unauthorized_handler,
    HTTPException: http_exception_handler,
    FieldError: field_error_handler,
    InvalidSearchInput: search_input_handler,
    InvalidCatalogueInput: catalogue_input_handler,
    ConflictError: conflict_handler,
    CodeNotFound: code_not_found_handler,
    NotFoundError: not_found_handler,
    ForbiddenError: forbidden_handler,
    InvalidCredentialsError: unauthorized_handler,
    InvalidTokenError: unauthorized_handler,
    TooManyAttemptsError: too_many_handler,
    QuotaExceededError: quota_handler,
    DBAPIError: database_error_handler,
    PoolTimeoutError: database_error_handler,
    ConnectionError: database_error_handler,
    OSError: database_error_handler,
    Exception: internal_error_handler,
}
