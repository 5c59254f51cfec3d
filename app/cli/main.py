"""The `levelith` command line."""

from __future__ import annotations

import click

from app.cli.db import db
from app.cli.insights import search_group
from app.cli.naics import naics
from app.cli.search import indexer, reindex_command
from app.cli.serve import serve
from app.cli.users import users


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
