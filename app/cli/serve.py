from __future__ import annotations

import asyncio
import signal
import sys

import click
import uvicorn

from app.asgi import create_app
from app.bootstrap import prepare
from app.config import Settings
from app.runtime import engines
from app.services.naics_classifier import warm_classifier
from app.services.naics_typeahead import warm_typeahead
from indexer.worker import in_process_indexer


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the API (starting embedded PostgreSQL and search engine when no URL is set)."""
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets
    # the embedded engines below stop cleanly instead of dying with the process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    configured = Settings.from_env()
    with engines(configured) as settings:
        asyncio.run(prepare(settings))
        # One process does it all in embedded mode; with RUN_INDEXER=false a separate
        # `levelith indexer run` consumes the outbox instead.
        background = [
            warm_typeahead,
            warm_classifier,
            *([in_process_indexer(settings)] if settings.run_indexer else []),
        ]
        app = create_app(settings, background=background)
        click.echo(f"Levelith search on http://{host}:{port}  (OpenAPI: /schema)")
        uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), access_log=False)
