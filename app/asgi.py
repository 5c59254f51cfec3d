"""The Litestar application factory."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader
from litestar.openapi import OpenAPIConfig

from app.auth.dependencies import AUTH_DEPENDENCIES
from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.error_responses import document_error_responses
from app.errors import EXCEPTION_HANDLERS
from app.nul_characters import refuse_nul_characters
from app.routes.admin_search import search_status
from app.routes.auth import AuthController
from app.routes.experiences import ExperiencesController
from app.routes.health import health, ready
from app.routes.naics import NaicsController
from app.routes.pages import PAGE_HANDLERS
from app.routes.search import SEARCH_ROUTES
from app.routes.users import UsersController
from app.search.client import create_search_client
from app.services.naics_classifier import Classifier
from app.services.naics_typeahead import Typeahead

log = logging.getLogger(__name__)

# Background work started with the app (e.g. the in-process indexer in embedded mode):
# each is an async context manager factory taking the running Litestar app.
BackgroundTask = Callable[[Litestar], contextlib.AbstractAsyncContextManager[Any]]


def route_handlers() -> list[Any]:
    # One line per area keeps merges of new areas trivial.
    handlers: list[Any] = [health, ready]
    handlers += PAGE_HANDLERS
    handlers += [AuthController, UsersController, ExperiencesController]
    handlers += [NaicsController]
    handlers += SEARCH_ROUTES
    handlers += [search_status]
    return handlers


# Safe on every response, API or page; the pages add their own Content-Security-Policy.
SECURITY_HEADERS = [
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
    ResponseHeader(name="Cross-Origin-Opener-Policy", value="same-origin"),
]


def create_app(settings: Settings, *, background: Sequence[BackgroundTask] = ()) -> Litestar:
    engine = create_engine(settings)
    search = create_search_client(settings)
    # Sessions outside a request's own (the in-memory autocomplete, which mostly needs none).
    sessions = session_factory(engine)
    typeahead = Typeahead(sessions, settings.typeahead_refresh_seconds)
    classifier = Classifier(sessions, settings.classifier_refresh_seconds)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        before_send_handler="autocommit",
        create_all=False,
        # updated_at is set by a database trigger (naive UTC, strictly increasing per row);
        # advanced-alchemy's listener would write an aware datetime into a naive column.
        enable_touch_updated_timestamp_listener=False,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for task in background:
                await stack.enter_async_context(task(app))
            try:
                yield
            finally:
                await typeahead.close()
                await classifier.close()
                await search.close()

    app = Litestar(
        route_handlers=route_handlers(),
        plugins=[SQLAlchemyPlugin(config=db_config)],
        lifespan=[lifespan],
        dependencies=AUTH_DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_request=refuse_nul_characters,
        cors_config=CORSConfig(allow_origins=settings.cors_origins, allow_credentials=False),
        openapi_config=OpenAPIConfig(title="Levelith search service", version="1.0.0", path="/schema"),
        response_headers=SECURITY_HEADERS,
        request_max_body_size=1024 * 1024,
        debug=False,
    )
    document_error_responses(app)
    app.state.settings = settings
    app.state.engine = engine
    app.state.search = search
    app.state.sessions = sessions
    app.state.typeahead = typeahead
    app.state.classifier = classifier
    return app
