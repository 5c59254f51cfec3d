"""Bulk-write index actions to every alias of their kind, and judge the outcome per item.

External versions make every write idempotent: a 409 means a newer or equal version is already
there, a 404 on delete means the document is already gone. Anything else is a real failure,
and the caller keeps the batch in the outbox to try again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import msgspec
from opensearchpy import AsyncOpenSearch
from opensearchpy.helpers import async_streaming_bulk

from app.search.documents import IndexAction

log = logging.getLogger(__name__)

CHUNK = 500
TIMEOUT_SECONDS = 30.0


class WriteSummary(msgspec.Struct):
    written: int = 0
    stale: int = 0  # a newer or equal version was already indexed
    absent: int = 0  # a removal of a document that was not there
    failed: int = 0


class BulkFailed(RuntimeError):
    def __init__(self, summary: WriteSummary, first_error: Any) -> None:
        super().__init__(f"{summary.failed} index writes failed; first: {first_error}")
        self.summary = summary


def outcome(op: str, item: Mapping[str, Any]) -> str:
    """The one verdict on a bulk item, for the outbox worker's writes and reindex's builds alike."""
    status = int(item.get("status", 0))
    if 200 <= status < 300:
        return "written"
    if status == 409:
        return "stale"
    # A missing alias is also a 404 on delete, but with an error and no result.
    if op == "delete" and status == 404 and item.get("result") == "not_found":
        return "absent"
    return "failed"


async def _bulk_actions(
    actions: Sequence[IndexAction], targets: Mapping[str, Sequence[str]]
) -> AsyncIterator[dict[str, Any]]:
    for action in actions:
        for alias in targets.get(action.kind, ()):
            yield action.bulk_action(alias)


async def write(
    client: AsyncOpenSearch, actions: Sequence[IndexAction], targets: Mapping[str, Sequence[str]]
) -> WriteSummary:
    """Write every action to each alias in targets[action.kind]; raise BulkFailed on real failures.

    Connection errors propagate as opensearch-py raises them.
    """
    summary = WriteSummary()
    first_error: Any = None
    async for _ok, result in async_streaming_bulk(
        client,
        _bulk_actions(actions, targets),
        chunk_size=CHUNK,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=2,  # 429 (engine busy) only
        initial_backoff=0.2,
        require_alias=True,
        request_timeout=TIMEOUT_SECONDS,
    ):
        op, item = next(iter(result.items()))
        verdict = outcome(op, item)
        setattr(summary, verdict, getattr(summary, verdict) + 1)
        if verdict == "failed" and first_error is None:
            first_error = {"id": item.get("_id"), "index": item.get("_index"), "error": item.get("error")}
    if summary.failed:
        raise BulkFailed(summary, first_error)
    return summary
