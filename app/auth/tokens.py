"""Signed, expiring tokens (JWT, HS256) for API access and e-mail links."""

from __future__ import annotations

import hashlib
import time
from typing import Any, Protocol

import jwt

from app.config import Settings

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """Tampered, expired, or of the wrong purpose. Callers answer with one generic 401."""


# A token that stands for an account's password carries this claim: a digest of the stored password
# hash. Setting a new password changes the hash, which spends every such token issued before
# (bearer tokens, and the reset link that was just used).
PASSWORD_CLAIM = "pwd"  # noqa: S105 - a claim name, not a secret


class Account(Protocol):
    id: str
    password_hash: str


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def issue_token(
    subject: str,
    settings: Settings,
    *,
    purpose: str = "access",
    ttl: int | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    now = int(time.time())
    payload = {
        **(claims or {}),
        "sub": subject,
        "typ": purpose,
        "iat": now,
        "exp": now + (ttl if ttl is not None else settings.token_ttl_seconds),
    }
    return jwt.encode(payload, settings.secret_key, algorithm=ALGORITHM)


def read_claims(token: str, settings: Settings, *, purpose: str = "access") -> dict[str, Any]:
    """The claims of a valid token of this purpose."""
    try:
        claims = jwt.decode(
            token, settings.secret_key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]}
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != purpose:
        raise InvalidToken("wrong token purpose")
    return dict(claims)


def read_token(token: str, settings: Settings, *, purpose: str = "access") -> str:
    """Return the subject of a valid token of this purpose."""
    return str(read_claims(token, settings, purpose=purpose)["sub"])


def account_token(
    account: Account, settings: Settings, *, purpose: str = "access", ttl: int | None = None
) -> str:
    """A token for `account` that is valid only while its password stays the same."""
    claims = {PASSWORD_CLAIM: password_fingerprint(account.password_hash)}
    return issue_token(account.id, settings, purpose=purpose, ttl=ttl, claims=claims)


def check_account_token(claims: dict[str, Any], account: Account) -> None:
    """InvalidToken unless the token was issued for the account's current password."""
    if claims.get(PASSWORD_CLAIM) != password_fingerprint(account.password_hash):
        raise InvalidToken("issued before the password changed")
