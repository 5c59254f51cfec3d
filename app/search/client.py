"""The async OpenSearch clients, configured from Settings: one for requests, one for bulk work."""

from __future__ import annotations

from opensearchpy import AsyncOpenSearch

from app.config import Settings

# Bulk writes and index builds may take far longer than a search; they retry on their own terms.
BULK_CLIENT_TIMEOUT_SECONDS = 30.0


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


def create_bulk_client(settings: Settings) -> AsyncOpenSearch:
    """The indexer's client: longer timeouts than the request path's, retries left to the caller."""
    assert settings.opensearch_url, "the search URL is resolved before a client is made"
    return AsyncOpenSearch(
        hosts=[settings.opensearch_url],
        timeout=BULK_CLIENT_TIMEOUT_SECONDS,
        max_retries=0,
        http_compress=False,
    )
