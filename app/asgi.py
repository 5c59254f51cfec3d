"""The Litestar application factory."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig

from app.auth.dependencies import AUTH_DEPENDENCIES
from app.config import Settings
from app.db.engine import create_engine
from app.errors import EXCEPTION_HANDLERS
from app.routes.admin_search import search_status
from app.routes.health import health, ready
from app.search.client import create_search_client

log = logging.getLogger(__name__)

# Background work started with the app (e.g. the in-process indexer in embedded mode):
# each is an async context manager factory taking the running Litestar app.
BackgroundTask = Callable[[Litestar], contextlib.AbstractAsyncContextManager[Any]]


def route_handlers() -> list[Any]:
    return [health, ready, search_status]


def create_app(settings: Settings, *, background: Sequence[BackgroundTask] = ()) -> Litestar:
    engine = create_engine(settings)
    search = create_search_client(settings)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        before_send_handler="autocommit",
        create_all=False,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for task in background:
                await stack.enter_async_context(task(app))
            try:
                yield
            finally:
                await search.close()

    app = Litestar(
        route_handlers=route_handlers(),
        plugins=[SQLAlchemyPlugin(config=db_config)],
        lifespan=[lifespan],
        dependencies=AUTH_DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        cors_config=CORSConfig(allow_origins=settings.cors_origins, allow_credentials=False),
        openapi_config=OpenAPIConfig(title="Levelith search service", version="1.0.0", path="/schema"),
        request_max_body_size=1024 * 1024,
        debug=False,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.search = search
    return app
