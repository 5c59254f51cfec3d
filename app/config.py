"""Settings, read once from the environment.

Every knob is an environment variable documented in README.md; the defaults are
safe for a developer's machine (embedded engines, a random per-process secret).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


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
    database_url: str | None = None
    opensearch_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    data_dir: Path = field(default_factory=default_data_dir)
    # Pool sizes follow the seed document (5 + 10 overflow, pre-ping).
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: float = 10.0
    db_statement_timeout_ms: int = 15_000
    opensearch_timeout: float = 2.0
    # How often each API process checks whether the catalogue changed and rebuilds its
    # in-memory autocomplete index (app/search/typeahead.py); 0 = no such index, every
    # keystroke asks the engine.
    typeahead_refresh_seconds: float = 2.0
    # How often each API process checks whether the catalogue changed and retrains its NAICS
    # classifier (app/naics/classifier.py) in the background; 0 = no classifier (searches keep
    # the engine's order inside a tier, classify suggests nothing).
    classifier_refresh_seconds: float = 5.0
    # Lets tests (and blue/green deploys) keep several sets of indexes in one cluster.
    index_prefix: str = ""
    cors_origins: list[str] = field(default_factory=lambda: ["http://localhost:8000"])
    smtp_url: str | None = None
    mail_from: str = "Levelith <no-reply@levelith.local>"
    public_base_url: str = "http://localhost:8000"
    token_ttl_seconds: int = 3600
    run_indexer: bool = True
    log_level: str = "INFO"

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("LEVELITH_DATA_DIR") or default_data_dir()).expanduser()
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            opensearch_url=os.environ.get("OPENSEARCH_URL") or None,
            secret_key=os.environ.get("SECRET_KEY") or local_secret(data_dir),
            data_dir=data_dir,
            db_pool_size=_int("DB_POOL_SIZE", 5),
            db_max_overflow=_int("DB_MAX_OVERFLOW", 10),
            db_pool_timeout=_float("DB_POOL_TIMEOUT", 10.0),
            db_statement_timeout_ms=_int("DB_STATEMENT_TIMEOUT_MS", 15_000),
            opensearch_timeout=_float("OPENSEARCH_TIMEOUT", 2.0),
            typeahead_refresh_seconds=_float("TYPEAHEAD_REFRESH_SECONDS", 2.0),
            classifier_refresh_seconds=_float("CLASSIFIER_REFRESH_SECONDS", 5.0),
            index_prefix=os.environ.get("OPENSEARCH_INDEX_PREFIX", ""),
            cors_origins=_list("CORS_ORIGINS", ["http://localhost:8000"]),
            smtp_url=os.environ.get("SMTP_URL") or None,
            mail_from=os.environ.get("MAIL_FROM", "Levelith <no-reply@levelith.local>"),
            public_base_url=os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000"),
            token_ttl_seconds=_int("TOKEN_TTL_SECONDS", 3600),
            run_indexer=_bool("RUN_INDEXER", True),
            log_level=os.environ.get("LOG_LEVEL", "INFO"),
        )

    def with_urls(self, database_url: str, opensearch_url: str) -> Settings:
        return replace(self, database_url=database_url, opensearch_url=opensearch_url)
