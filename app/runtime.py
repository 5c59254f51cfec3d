"""Resolve where PostgreSQL and OpenSearch are: the configured URLs, or embedded engines."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from app.config import Settings
from app.embedded.opensearch import EmbeddedOpenSearch
from app.embedded.postgres import EmbeddedPostgres


@contextlib.contextmanager
def engines(settings: Settings, *, need_search: bool = True) -> Iterator[Settings]:
    """Yield settings whose URLs point at running engines, starting embedded ones as needed."""
    started: list[EmbeddedPostgres | EmbeddedOpenSearch] = []
    try:
        database_url = settings.database_url
        if database_url is None:
            pg = EmbeddedPostgres(settings.data_dir / "pgdata")
            started.append(pg)
            database_url = pg.url
        opensearch_url = settings.opensearch_url
        if opensearch_url is None and need_search:
            search = EmbeddedOpenSearch()
            started.append(search)
            opensearch_url = search.url
        yield settings.with_urls(database_url, opensearch_url or "")
    finally:
        for engine in reversed(started):
            engine.stop()
