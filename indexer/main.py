"""The `levelith` command line: where app/ and indexer/ are put together.

Nothing in app/ imports indexer/ (tests/lint/test_lint.py checks it), so the commands that need both
(serve, the indexer, reindex) live here, and app/'s own command groups are added beside them.

Each command's module is imported only when that command runs (click's documented lazy-loading
pattern): `levelith db upgrade` should not pay seconds for the web app and scikit-learn, which
only `serve` needs.
"""

from __future__ import annotations

import importlib

import click

# Command name -> "module:attribute" of its click command.
COMMANDS = {
    "serve": "indexer.serve:serve",
    "db": "app.cli.db:db",
    "users": "app.cli.users:users",
    "naics": "app.cli.naics:naics",
    "indexer": "indexer.commands:indexer",
    "reindex": "indexer.commands:reindex_command",
    "search": "app.cli.insights:search_group",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use; `--help` still lists them all."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
        return command


@click.group(cls=LazyGroup)
@click.option("--log-level", default=None, help="Overrides LOG_LEVEL.")
def cli(log_level: str | None) -> None:
    """Levelith NAICS and profile search service."""
    from app.config import Settings
    from app.logs import configure_logging

    configure_logging(log_level or Settings.from_env().log_level)
