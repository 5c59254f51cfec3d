"""Signed, expiring tokens (JWT, HS256) for API access and e-mail links."""

from __future__ import annotations

import time

import jwt

from app.config import Settings

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """Tampered, expired, or of the wrong purpose. Callers answer with one generic 401."""


def issue_token(subject: str, settings: Settings, *, purpose: str = "access", ttl: int | None = None) -> str:
    now = int(time.time())
    claims = {
        "sub": subject,
        "typ": purpose,
        "iat": now,
        "exp": now + (ttl if ttl is not None else settings.token_ttl_seconds),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def read_token(token: str, settings: Settings, *, purpose: str = "access") -> str:
    """Return the subject of a valid token of this purpose."""
    try:
        claims = jwt.decode(
            token, settings.secret_key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]}
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != purpose:
        raise InvalidToken("wrong token purpose")
    return str(claims["sub"])
