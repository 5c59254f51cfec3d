"""When a search should be answered by PostgreSQL instead of OpenSearch."""

from __future__ import annotations

import asyncio

from opensearchpy import ConnectionError as EngineConnectionError
from opensearchpy import NotFoundError, TransportError

# 429: the engine sheds load; PostgreSQL can still answer.
_TOO_MANY_REQUESTS = 429


def engine_unavailable(exc: BaseException) -> bool:
    """True for faults of the engine rather than of our request.

    Unreachable, timed out (ConnectionTimeout is a ConnectionError), overloaded or
    failing (5xx), or the index is missing (an empty engine after a restart, before the
    indexer has rebuilt it). A 400 means our query is wrong: that must surface, not hide.
    """
    if isinstance(exc, EngineConnectionError | NotFoundError | asyncio.TimeoutError):
        return True
    if isinstance(exc, TransportError):
        status = exc.status_code
        return isinstance(status, int) and (status >= 500 or status == _TOO_MANY_REQUESTS)
    return False
