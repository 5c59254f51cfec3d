"""Exception handlers: infrastructure faults become clear 503s, never tracebacks."""

from __future__ import annotations

import logging
import re

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.services.catalogue_errors import CodeNotFound, InvalidCatalogueInput

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


_MISSING_PARAMETER = re.compile(
    r"Missing required (?:query |path |header |cookie )?parameter '(?P<name>[^']+)'"
)


def validation_field(exc: ValidationException) -> str | None:
    """The parameter a Litestar validation error is about: from its details, or its message
    when a required parameter is missing (Litestar then gives no details)."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    field = next((e.get("key") for e in extra if isinstance(e, dict) and e.get("key")), None)
    if field:
        return str(field)
    missing = _MISSING_PARAMETER.search(str(exc.detail))
    return missing.group("name") if missing else None


class ServiceUnavailableError(HTTPException):
    status_code = HTTP_503_SERVICE_UNAVAILABLE


def _unavailable(part: str) -> Response:
    return Response(
        {"status_code": 503, "detail": f"{part} is temporarily unavailable, retry shortly", "part": part},
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        media_type=MediaType.JSON,
    )


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


def database_error_handler(request: Request, exc: Exception) -> Response:
    if _is_connection_error(exc):
        log.warning("database unavailable during %s %s: %s", request.method, request.url.path, exc)
        return _unavailable("database")
    log.exception("database error during %s %s", request.method, request.url.path)
    return Response(
        {"status_code": 500, "detail": "Internal Server Error"},
        status_code=500,
        media_type=MediaType.JSON,
    )


def invalid_input_handler(request: Request, exc: InvalidCatalogueInput) -> Response:
    return Response(
        {"status_code": 422, "detail": exc.detail, "field": exc.field, "rule": exc.rule},
        status_code=422,
        media_type=MediaType.JSON,
    )


def code_not_found_handler(request: Request, exc: CodeNotFound) -> Response:
    return Response(
        {"status_code": 404, "detail": exc.detail, "code": exc.code},
        status_code=404,
        media_type=MediaType.JSON,
    )


def not_authorized_handler(request: Request, exc: NotAuthorizedException) -> Response:
    # RFC 9110: a 401 names the scheme that would work.
    return Response(
        {"status_code": 401, "detail": exc.detail},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
        media_type=MediaType.JSON,
    )


EXCEPTION_HANDLERS = {
    NotAuthorizedException: not_authorized_handler,
    InvalidCatalogueInput: invalid_input_handler,
    CodeNotFound: code_not_found_handler,
    DBAPIError: database_error_handler,
    PoolTimeoutError: database_error_handler,
    ConnectionError: database_error_handler,
    OSError: database_error_handler,
}
