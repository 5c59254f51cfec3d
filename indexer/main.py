"""The `levelith` command line: where app/ and indexer/ are put together.

Nothing in app/ imports indexer/ (tests/lint/test_lint.py checks it), so the commands that need both
(serve, the indexer, reindex) live here, and app/'s own command groups are added beside them.
"""

from __future__ import annotations

import click

from app.cli.db import db
from app.cli.insights import search_group
from app.cli.naics import naics
from app.cli.users import users
from indexer.commands import indexer, reindex_command
from indexer.serve import serve


@click.group()
@click.option("--log-level", default=None, help="Overrides LOG_LEVEL.")
def cli(log_level: str | None) -> None:
    """Levelith NAICS and profile search service."""
    from app.config import Settings
    from app.logs import configure_logging

    configure_logging(log_level or Settings.from_env().log_level)


cli.add_command(serve)
cli.add_command(db)
cli.add_command(users)
cli.add_command(naics)
cli.add_command(indexer)
cli.add_command(reindex_command)
cli.add_command(search_group)
