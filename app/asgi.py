"""The Litestar application factory."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig

from app.config import Settings
from app.db.engine import create_engine, session_factory
from app.error_responses import document_error_responses
from app.errors import EXCEPTION_HANDLERS
from app.metrics import HTTP_METRICS_PREFIX
from app.nul_characters import check_request
from app.rate_limits import rate_limit_middleware
from app.response_headers import add_response_headers
from app.routes.admin_search import search_hedging, search_insights, search_status
from app.routes.api_docs import API_DOCS_HANDLERS
from app.routes.auth import AuthController
from app.routes.dependencies import DEPENDENCIES
from app.routes.experiences import ExperiencesController
from app.routes.health import health, ready
from app.routes.metrics import metrics
from app.routes.naics import NaicsController
from app.routes.pages import PAGE_HANDLERS
from app.routes.search import SEARCH_ROUTES
from app.routes.users import UsersController
from app.schemas.experience_variants import EXPERIENCE_SCHEMA_PLUGINS
from app.search.client import create_search_client
from app.services.facet_cache import FacetCache
from app.services.naics_classifier import Classifier
from app.services.naics_typeahead import Typeahead
from app.services.search_fallback import SearchHedge
from app.services.search_insights import InsightsPolicy, InsightsRecorder, insights_flusher

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
    handlers += [search_status, search_hedging, search_insights]
    handlers += API_DOCS_HANDLERS
    handlers += [metrics]
    return handlers


# Request count and latency per route template (not per URL: one series per route, whatever the
# query), for every request a route handled.
HTTP_METRICS = PrometheusConfig(
    app_name="levelith",
    prefix=HTTP_METRICS_PREFIX,
    group_path=True,
    exclude_unhandled_paths=True,
    exclude=["/metrics"],
)


def create_app(settings: Settings, *, background: Sequence[BackgroundTask] = ()) -> Litestar:
    engine = create_engine(settings)
    search = create_search_client(settings)
    # Sessions outside a request's own (the in-memory autocomplete, which mostly needs none).
    sessions = session_factory(engine)
    typeahead = Typeahead(sessions, settings.typeahead_refresh_seconds, settings.autocomplete_cache_size)
    classifier = Classifier(sessions, settings.classifier_refresh_seconds)
    hedge = SearchHedge.from_settings(settings)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        before_send_handler="autocommit",
        create_all=False,
        # updated_at is set by a database trigger (naive UTC, strictly increasing per row);
        # advanced-alchemy's listener would write an aware datetime into a naive column.
        enable_touch_updated_timestamp_listener=False,
    )

    flush_insights = insights_flusher(
        InsightsPolicy(
            flush_seconds=settings.search_insights_flush_seconds,
            retention_days=settings.search_insights_retention_days,
            max_queries_per_day=settings.search_insights_max_queries_per_day,
        )
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(flush_insights(app))
            for task in background:
                await stack.enter_async_context(task(app))
            try:
                yield
            finally:
                await typeahead.close()
                await hedge.close()
                await classifier.close()
                await search.close()

    app = Litestar(
        route_handlers=route_handlers(),
        plugins=[SQLAlchemyPlugin(config=db_config), *EXPERIENCE_SCHEMA_PLUGINS],
        lifespan=[lifespan],
        # Metrics first, so that a rate-limited request is still counted.
        middleware=[HTTP_METRICS.middleware, *rate_limit_middleware(settings)],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_request=check_request,
        before_send=[add_response_headers],
        cors_config=CORSConfig(allow_origins=settings.cors_origins, allow_credentials=False),
        openapi_config=OpenAPIConfig(
            title="Levelith search service",
            version="1.0.0",
            path="/schema",
            # The document only; the one docs UI is app/routes/api_docs.py (no CDN).
            render_plugins=[JsonRenderPlugin()],
        ),
        # The process's logging belongs to whoever runs the app (`levelith`: app/logs.py, tests:
        # pytest); Litestar configures only its own logger.
        logging_config=LoggingConfig(configure_root_logger=False),
        request_max_body_size=1024 * 1024,
        debug=False,
    )
    document_error_responses(app)
    app.state.settings = settings
    app.state.engine = engine
    app.state.search = search
    app.state.sessions = sessions
    app.state.typeahead = typeahead
    app.state.hedge = hedge
    app.state.facet_cache = FacetCache()
    app.state.insights = InsightsRecorder()
    app.state.classifier = classifier
    return app
