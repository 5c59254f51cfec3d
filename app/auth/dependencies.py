"""Litestar dependencies: `current_user`, `optional_user`, `admin_user`.

Handlers ask for them by name; a missing or bad token is one generic 401, a signed-in
non-admin at an admin endpoint a 403.
"""

from __future__ import annotations

from litestar import Request
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import InvalidToken, check_account_token, read_claims
from app.models import User

UNAUTHORIZED = "invalid or missing credentials"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def _user_from_token(token: str, request: Request, db_session: AsyncSession) -> User:
    try:
        claims = read_claims(token, request.app.state.settings)
    except InvalidToken:
        raise NotAuthorizedException(UNAUTHORIZED) from None
    user = await db_session.scalar(select(User).where(User.id == str(claims["sub"])))
    if user is None or not user.is_active:
        raise NotAuthorizedException(UNAUTHORIZED)
    try:
        check_account_token(claims, user)
    except InvalidToken:
        raise NotAuthorizedException(UNAUTHORIZED) from None
    return user


async def provide_optional_user(request: Request, db_session: AsyncSession) -> User | None:
    token = _bearer(request)
    if token is None:
        return None
    return await _user_from_token(token, request, db_session)


async def provide_current_user(request: Request, db_session: AsyncSession) -> User:
    token = _bearer(request)
    if token is None:
        raise NotAuthorizedException(UNAUTHORIZED)
    return await _user_from_token(token, request, db_session)


async def provide_admin_user(current_user: User) -> User:
    if not current_user.is_admin:
        raise PermissionDeniedException("administrators only")
    return current_user


AUTH_DEPENDENCIES = {
    "optional_user": Provide(provide_optional_user),
    "current_user": Provide(provide_current_user),
    "admin_user": Provide(provide_admin_user),
}
