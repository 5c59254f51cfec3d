"""The e-mail that proves an address: a signed link valid for VERIFY_TTL_SECONDS."""

from __future__ import annotations

from app.auth.tokens import InvalidToken, issue_token, read_token
from app.config import Settings
from app.mail.token_mail import TokenMail

VERIFY_PURPOSE = "verify"
VERIFY_TTL_SECONDS = 24 * 3600
# The page the mailed link opens (app/routes/pages.py serves it).
VERIFY_PAGE_PATH = "/verify-email"


def verification_token(user_id: str, email: str, settings: Settings) -> str:
    # The address is part of the subject: changing the e-mail invalidates older links.
    return issue_token(f"{user_id}:{email.lower()}", settings, purpose=VERIFY_PURPOSE, ttl=VERIFY_TTL_SECONDS)


def read_verification_token(token: str, settings: Settings) -> tuple[str, str]:
    """(user id, e-mail) named by a valid token; InvalidToken otherwise."""
    subject = read_token(token, settings, purpose=VERIFY_PURPOSE)
    user_id, sep, email = subject.partition(":")
    if not sep:
        raise InvalidToken("malformed verification subject")
    return user_id, email


VERIFICATION_MAIL = TokenMail(
    VERIFY_PAGE_PATH,
    "Confirm your e-mail address for Levelith",
    "Hello {username},\n\n"
    "please confirm your e-mail address by opening this link within 24 hours:\n\n{link}\n\n"
    "Or send this token to POST /api/v1/auth/verify:\n\n{token}\n\n"
    "If you did not create a Levelith account, ignore this message.\n",
)
