"""HTTP answers for the profile services' outcomes, attached to the profile controllers.

Every 4xx body is {"status_code", "detail"} plus "field" when one field is at fault, so a
client can show the message next to the right input. Request validation is answered with
422 (the body was well-formed JSON, its content was not acceptable).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import ValidationException
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
)

from app.auth.dependencies import UNAUTHORIZED
from app.services.errors import (
    ForbiddenError,
    InvalidCredentialsError,
    InvalidTokenError,
    NotFoundError,
    TooManyAttemptsError,
)
from app.validation import ConflictError, FieldError

_NAMED = re.compile(r"(?:unknown|missing required) field `(?P<name>[^`]+)`")


def _body(
    status: int, detail: str, field: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    content: dict[str, Any] = {"status_code": status, "detail": detail}
    if field is not None:
        content["field"] = field
    return Response(content, status_code=status, media_type=MediaType.JSON, headers=headers)


def request_validation(_: Request, exc: ValidationException) -> Response:
    errors = exc.extra if isinstance(exc.extra, list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    message = str(first.get("message") or exc.detail)
    field = first.get("key")
    named = _NAMED.search(message)
    if named:
        field = named.group("name")
    elif field == "data":
        field = None  # the body as a whole (e.g. not an object)
    detail = f"{field}: {message}" if field else message
    return _body(HTTP_422_UNPROCESSABLE_ENTITY, detail, field)


def field_error(_: Request, exc: FieldError) -> Response:
    return _body(HTTP_422_UNPROCESSABLE_ENTITY, str(exc), exc.field)


def conflict(_: Request, exc: ConflictError) -> Response:
    return _body(HTTP_409_CONFLICT, exc.message, exc.field)


def not_found(_: Request, __: NotFoundError) -> Response:
    return _body(HTTP_404_NOT_FOUND, "not found")


def forbidden(_: Request, __: ForbiddenError) -> Response:
    return _body(HTTP_403_FORBIDDEN, "only the owner or an administrator may do this")


def unauthorized(_: Request, __: Exception) -> Response:
    return _body(HTTP_401_UNAUTHORIZED, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


def too_many(_: Request, exc: TooManyAttemptsError) -> Response:
    return _body(HTTP_429_TOO_MANY_REQUESTS, str(exc), headers={"Retry-After": str(exc.retry_after)})


PROFILE_EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    ValidationException: request_validation,
    FieldError: field_error,
    ConflictError: conflict,
    NotFoundError: not_found,
    ForbiddenError: forbidden,
    InvalidCredentialsError: unauthorized,
    InvalidTokenError: unauthorized,
    TooManyAttemptsError: too_many,
}
