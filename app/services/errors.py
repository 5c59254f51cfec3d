"""Outcomes of the profile services that are not success; the routes give them HTTP statuses."""

from __future__ import annotations


class NotFoundError(Exception):
    """No such resource, or one the caller may not know exists."""


class ForbiddenError(Exception):
    """The caller is known but may not do this to a resource they can see."""


class InvalidCredentialsError(Exception):
    """Wrong login name or password, or an inactive account: deliberately one outcome."""


class TooManyAttemptsError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins, retry in {retry_after} s")
        self.retry_after = retry_after


class InvalidTokenError(Exception):
    """A link token that is tampered with, expired, or no longer matches its account."""


class QuotaExceededError(Exception):
    """An account has as many of something as it may have; `field` names what was being written."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
