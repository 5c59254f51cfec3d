"""The e-mail that lets someone set a new password: a signed link valid for 30 minutes, once.

The token carries the account's password fingerprint (app/auth/tokens.py): setting the new
password spends it, together with every bearer token issued before.
"""

from __future__ import annotations

from app.auth.tokens import Account, account_token
from app.config import Settings
from app.mail.token_mail import TokenMail

RESET_PURPOSE = "reset"
RESET_TTL_SECONDS = 30 * 60
RESET_PAGE = "/reset-password"


def reset_token(account: Account, settings: Settings) -> str:
    return account_token(account, settings, purpose=RESET_PURPOSE, ttl=RESET_TTL_SECONDS)


RESET_MAIL = TokenMail(
    RESET_PAGE,
    "Reset your Levelith password",
    "Hello {username},\n\n"
    "someone asked to reset the password of your Levelith account. To choose a new one, open "
    "this link within 30 minutes (it works once):\n\n{link}\n\n"
    "Or send this token with your new password to POST /api/v1/auth/password/reset:\n\n{token}\n\n"
    "If you did not ask for this, ignore this message: your password stays as it is.\n",
)
