"""Per-client rate limits (Litestar's RateLimitMiddleware and stores), chosen per handler by `opt`.

A handler opts in with `opt=RATE_LIMITED_ACCOUNT` (registration, verification resend, password
forgot: cheap for an abuser, each one costs a password hash or a mail) or `opt=RATE_LIMITED_SEARCH`
(search and autocomplete). A client is the TCP peer, or the forwarded address when the peer is
in TRUSTED_PROXIES (app/server.py). Over the limit: 429 with Retry-After (app/errors.py).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.types import Middleware

from app.config import Settings

_OPT_KEY = "rate_limit"
RATE_LIMITED_ACCOUNT: dict[str, Any] = {_OPT_KEY: "account"}
RATE_LIMITED_SEARCH: dict[str, Any] = {_OPT_KEY: "search"}


def _applies_to(group: str) -> Any:
    def check(request: Request[Any, Any, Any]) -> bool:
        return bool(request.route_handler.opt.get(_OPT_KEY) == group)

    return check


def rate_limit_middleware(settings: Settings) -> list[Middleware]:
    """One middleware (and store) per limit that is switched on."""
    limits = (
        ("account", settings.rate_limit_account_per_minute),
        ("search", settings.rate_limit_search_per_minute),
    )
    return [
        RateLimitConfig(
            rate_limit=("minute", per_minute),
            check_throttle_handler=_applies_to(group),
            store=f"rate_limit_{group}",
        ).middleware
        for group, per_minute in limits
        if per_minute > 0
    ]
