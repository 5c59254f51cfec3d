"""Settings, read once from the environment.

Every knob is an environment variable documented in README.md (Configuration) and
docs/configuration.md; the defaults are safe for a developer's machine (embedded engines,
a random per-process secret). Each field of Settings names its variable and default in one
place (`setting`); `from_env` parses every variable by its field's type.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

import platformdirs

# Where `levelith serve` answers by default; links use it when nothing better is known.
DEFAULT_PUBLIC_BASE_URL = "http://localhost:8000"
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 (compared with, never bound)


def _truthy(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _comma_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


# How a variable's text becomes a setting, by the setting's declared type.
_PARSERS: dict[object, Callable[[str], object]] = {
    str: str,
    str | None: str,
    int: int,
    float: float,
    bool: _truthy,
    list[str]: _comma_list,
    Path: lambda raw: Path(raw).expanduser(),
}
_ENV = "env"


def setting(env: str, default: Any = MISSING, *, factory: Any = MISSING, secret: bool = False) -> Any:
    """A Settings field read from the environment variable `env` (unset or empty: the default)."""
    return field(default=default, default_factory=factory, repr=not secret, metadata={_ENV: env})


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("levelith", appauthor=False))


def local_secret(data_dir: Path) -> str:
    """A per-installation secret for local use, so tokens survive a restart.

    Production sets SECRET_KEY; nothing secret is ever written into the repository.
    """
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
        return secret


@dataclass(frozen=True)
class Settings:
    # None means "start the embedded engine"; see app/embedded/.
    database_url: str | None = setting("DATABASE_URL", None)
    opensearch_url: str | None = setting("OPENSEARCH_URL", None)
    secret_key: str = setting("SECRET_KEY", factory=lambda: secrets.token_urlsafe(32), secret=True)
    data_dir: Path = setting("LEVELITH_DATA_DIR", factory=default_data_dir)
    # Pool sizes follow the seed document (5 + 10 overflow, pre-ping).
    db_pool_size: int = setting("DB_POOL_SIZE", 5)
    db_max_overflow: int = setting("DB_MAX_OVERFLOW", 10)
    db_pool_timeout: float = setting("DB_POOL_TIMEOUT", 10.0)
    db_statement_timeout_ms: int = setting("DB_STATEMENT_TIMEOUT_MS", 15_000)
    opensearch_timeout: float = setting("OPENSEARCH_TIMEOUT", 2.0)
    # Hedged search (app/services/search_fallback.py): PostgreSQL starts when the engine has
    # not answered within a budget learned from both back ends' latency, clamped to these.
    search_hedge_floor_ms: float = setting("SEARCH_HEDGE_FLOOR_MS", 50.0)
    search_hedge_ceiling_ms: float = setting("SEARCH_HEDGE_CEILING_MS", 1000.0)
    # The circuit breaker opens after this many searches in a row that the engine lost
    # (PostgreSQL answered first, or the engine failed) and probes the engine this often.
    search_breaker_losses: int = setting("SEARCH_BREAKER_LOSSES", 3)
    search_breaker_probe_seconds: float = setting("SEARCH_BREAKER_PROBE_SECONDS", 5.0)
    # How often each API process checks whether the catalogue changed and rebuilds its
    # in-memory autocomplete index (app/search/typeahead.py); 0 = no such index, every
    # keystroke asks the engine.
    typeahead_refresh_seconds: float = setting("TYPEAHEAD_REFRESH_SECONDS", 2.0)
    # Encoded autocomplete answers each process keeps for the current catalogue; 0 = none.
    autocomplete_cache_size: int = setting("AUTOCOMPLETE_CACHE_SIZE", 20_000)
    # How often each API process checks whether the catalogue changed and retrains its NAICS
    # classifier (app/naics/classifier.py) in the background; 0 = no classifier (searches keep
    # the engine's order inside a tier, classify suggests nothing).
    classifier_refresh_seconds: float = setting("CLASSIFIER_REFRESH_SECONDS", 5.0)
    # Lets tests (and blue/green deploys) keep several sets of indexes in one cluster.
    index_prefix: str = setting("OPENSEARCH_INDEX_PREFIX", "")
    cors_origins: list[str] = setting("CORS_ORIGINS", factory=lambda: ["http://localhost:8000"])
    smtp_url: str | None = setting("SMTP_URL", None)
    mail_from: str = setting("MAIL_FROM", "Levelith <no-reply@levelith.local>")
    # None: links in mail point at the address this process serves on (see served_at).
    public_base_url: str | None = setting("PUBLIC_BASE_URL", None)
    token_ttl_seconds: int = setting("TOKEN_TTL_SECONDS", 3600)
    run_indexer: bool = setting("RUN_INDEXER", True)
    log_level: str = setting("LOG_LEVEL", "INFO")
    # Security knobs: docs/configuration-security.md.
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed; empty: none, so a
    # client's address is always the TCP peer's (login lockouts and rate limits key on it).
    trusted_proxies: list[str] = setting("TRUSTED_PROXIES", factory=list)
    http_keep_alive_timeout: int = setting("HTTP_KEEP_ALIVE_TIMEOUT_SECONDS", 5)
    http_header_timeout: float = setting("HTTP_HEADER_TIMEOUT_SECONDS", 10.0)
    # Per client and minute; 0 turns a limit off.
    rate_limit_search_per_minute: int = setting("RATE_LIMIT_SEARCH_PER_MINUTE", 1200)
    rate_limit_account_per_minute: int = setting("RATE_LIMIT_ACCOUNT_PER_MINUTE", 10)
    # Experiences one account may hold; 0 = no limit.
    experience_quota_verified: int = setting("EXPERIENCE_QUOTA_VERIFIED", 2000)
    experience_quota_unverified: int = setting("EXPERIENCE_QUOTA_UNVERIFIED", 50)
    # Search insights (app/services/search_insights.py): how often each process writes its
    # counts, how many days are kept, and how many distinct queries a day may hold.
    search_insights_flush_seconds: float = setting("SEARCH_INSIGHTS_FLUSH_SECONDS", 10.0)
    search_insights_retention_days: int = setting("SEARCH_INSIGHTS_RETENTION_DAYS", 90)
    search_insights_max_queries_per_day: int = setting("SEARCH_INSIGHTS_MAX_QUERIES_PER_DAY", 5000)
    # GET /metrics: with a token, bearer holders only; without, loopback clients only.
    metrics_token: str | None = setting("METRICS_TOKEN", None, secret=True)

    @classmethod
    def from_env(cls) -> Settings:
        types = get_type_hints(cls)
        given: dict[str, object] = {}
        for f in fields(cls):
            name = f.metadata[_ENV]
            if raw := os.environ.get(name, ""):
                try:
                    given[f.name] = _PARSERS[types[f.name]](raw)
                except ValueError as exc:
                    raise ValueError(f"{name}={raw!r}: {exc}") from exc
        settings = cls(**given)
        if "secret_key" not in given:
            settings = replace(settings, secret_key=local_secret(settings.data_dir))
        return settings

    def with_urls(self, database_url: str, opensearch_url: str) -> Settings:
        return replace(self, database_url=database_url, opensearch_url=opensearch_url)

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for a server answering on host:port.

        Mailed links must open on the address the service really answers on: PUBLIC_BASE_URL
        when set (a proxy or a domain in front), otherwise this host and port.
        """
        if self.public_base_url:
            return self
        # A wildcard address is not one a browser can open; the machine itself can.
        shown = "localhost" if host in WILDCARD_HOSTS else host
        if ":" in shown:
            shown = f"[{shown}]"
        return replace(self, public_base_url=f"http://{shown}:{port}")

    def public_url(self, path: str) -> str:
        """An absolute link to `path` (starting with "/") for mail."""
        return (self.public_base_url or DEFAULT_PUBLIC_BASE_URL).rstrip("/") + path
