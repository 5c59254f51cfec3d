"""`levelith serve`: the engines, start-up (migrate, seed, complete indexes) and the API processes."""

from __future__ import annotations

import asyncio
import atexit
import gc
import logging
import os
import shutil
import signal
import sys
from pathlib import Path

import click
import uvicorn
from litestar import Litestar
from prometheus_client import multiprocess

from app.asgi import create_app
from app.bootstrap import prepare
from app.config import Settings
from app.logs import configure_logging
from app.runtime import engines
from app.server import server_options
from app.services.naics_classifier import warm_classifier
from app.services.naics_typeahead import warm_typeahead
from indexer.election import elected_indexer
from indexer.health import ensure_search_indexes

# uvicorn imports this in every worker process (`--workers N` spawns fresh interpreters).
WORKER_FACTORY = "indexer.serve:worker_app"
WORKER_HEALTHCHECK_SECONDS = 60


def worker_app() -> Litestar:
    """One API process. The parent has started the engines and put their URLs in the environment."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    # Each process keeps its own autocomplete index fresh; one of them (elected by a file lock)
    # consumes the outbox unless RUN_INDEXER=false, when `levelith indexer run` does it elsewhere.
    background = [
        warm_typeahead,
        warm_classifier,
        *([elected_indexer(settings)] if settings.run_indexer else []),
    ]
    app = create_app(settings, background=background)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Its live gauges (requests in progress) must stop counting this process once it exits.
        atexit.register(multiprocess.mark_process_dead, os.getpid())
    # Start-up objects (routes, schemas, the app itself) live for the whole process: keeping
    # them out of the collector's generations makes every later collection cheaper.
    gc.collect()
    gc.freeze()
    return app


def use_multiprocess_metrics(directory: Path) -> None:
    """prometheus-client's multiprocess mode, so a scrape of any worker reports all of them.

    Must be set before the workers import prometheus-client; the folder starts empty, as the
    client requires (files of an earlier run would be summed in).
    """
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


log = logging.getLogger(__name__)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="API processes; the engines start once, in this parent process.",
)
def serve(host: str, port: int, workers: int) -> None:
    """Run the API (starting embedded PostgreSQL and search engine when no URL is set)."""
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets
    # the embedded engines below stop cleanly instead of dying with the process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    configured = Settings.from_env()
    with engines(configured, publish=True) as started:
        settings = started.served_at(host, port)
        asyncio.run(prepare(settings))
        asyncio.run(ensure_search_indexes(settings))
        # Worker processes read their settings from the environment, so they find these engines.
        assert settings.database_url and settings.opensearch_url
        os.environ["DATABASE_URL"] = settings.database_url
        os.environ["OPENSEARCH_URL"] = settings.opensearch_url
        # Mailed links name the address this parent serves on (see Settings.served_at).
        if settings.public_base_url:
            os.environ["PUBLIC_BASE_URL"] = settings.public_base_url
        if workers > 1:
            use_multiprocess_metrics(settings.data_dir / "prometheus")
        log.info(
            "Levelith search answers on http://%s:%d (OpenAPI: /schema, %d worker%s)",
            host,
            port,
            workers,
            "" if workers == 1 else "s",
        )
        uvicorn.run(
            WORKER_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # uvicorn logs through the logging `levelith` set up (app/logs.py), in every process.
            log_config=None,
            access_log=False,
            # A worker must answer the parent's ping within this, or it is killed and replaced;
            # on a busy 2-core machine importing the app alone can take longer than the 5 s default.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            **server_options(settings),
        )
