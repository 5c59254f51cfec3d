"""`osmem-server`, an in-memory OpenSearch-compatible engine shipped as a wheel.

It keeps nothing across restarts: the indexer notices an empty engine and
rebuilds the indexes from PostgreSQL (see indexer/health.py).
"""

from __future__ import annotations

import logging

from osmem_server import OsmemServer

log = logging.getLogger(__name__)


class EmbeddedOpenSearch:
    def __init__(self, addr: str | None = None) -> None:
        # Japanese analysis is not needed and costs start-up time and memory.
        self._server = OsmemServer.start(japanese=False, addr=addr)
        log.info("embedded search engine osmem %s running at %s", self._server.version, self._server.url)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def pid(self) -> int:
        return self._server.pid

    def stop(self) -> None:
        self._server.close()
