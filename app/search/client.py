"""The async OpenSearch client, configured from Settings."""

from __future__ import annotations

from opensearchpy import AsyncOpenSearch

from app.config import Settings


def create_search_client(settings: Settings) -> AsyncOpenSearch:
    assert settings.opensearch_url, "the search URL is resolved before a client is made"
    # Short timeouts and no retries on the request path: a slow or dead engine must turn into
    # a PostgreSQL fallback quickly, not into a hung request.
    return AsyncOpenSearch(
        hosts=[settings.opensearch_url],
        timeout=settings.opensearch_timeout,
        max_retries=0,
        retry_on_timeout=False,
        http_compress=False,
    )
