"""PostgreSQL and a search engine for one benchmark run.

DATABASE_URL / OPENSEARCH_URL from the environment are used as given (point them at a
throwaway database: the benchmarks import with --clear); otherwise an embedded PostgreSQL
in a temporary directory and osmem-server are started and removed afterwards.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from app.embedded.opensearch import EmbeddedOpenSearch
from app.embedded.postgres import EmbeddedPostgres

log = logging.getLogger(__name__)

BENCH_DATABASE = "levelith_bench"


@dataclass(frozen=True)
class BenchEngines:
    database_url: str
    opensearch_url: str
    # "embedded" or "environment", per engine.
    database_source: str
    search_source: str
    # Scratch space for this run (service data dir, generated files, logs).
    workdir: Path


async def create_database(server_url: str, name: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


@contextlib.contextmanager
def bench_engines(workdir: Path | None = None) -> Iterator[BenchEngines]:
    import asyncio

    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="levelith-bench-")))
        database_url = os.environ.get("DATABASE_URL")
        database_source = "environment"
        if not database_url:
            pg = EmbeddedPostgres(workdir / "pgdata", delete_on_exit=True)
            stack.callback(pg.stop)
            asyncio.run(create_database(pg.url, BENCH_DATABASE))
            database_url = pg.database_url(BENCH_DATABASE)
            database_source = "embedded"
        opensearch_url = os.environ.get("OPENSEARCH_URL")
        search_source = "environment"
        if not opensearch_url:
            search = EmbeddedOpenSearch()
            stack.callback(search.stop)
            opensearch_url = search.url
            search_source = "embedded"
        log.info(
            "bench engines: PostgreSQL (%s), search (%s) %s", database_source, search_source, opensearch_url
        )
        yield BenchEngines(database_url, opensearch_url, database_source, search_source, workdir)
