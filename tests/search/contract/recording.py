"""An OpenSearch client that records every request instead of sending it.

The recording sits at the connection, below opensearch-py's client and transport, so what is
recorded is what would go on the wire: the method, the path, the query parameters left after
the transport took its own (request_timeout, ignore), and the serialised body. The replies are
the smallest answers that let the service's code carry on (nothing exists, no hits, every bulk
item written); a case can set others by method and path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import AsyncConnection, AsyncOpenSearch

Replies = Mapping[tuple[str, str], Any]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: bytes | None

    def json(self) -> Any:
        return None if self.body is None else json.loads(self.body)

    def lines(self) -> list[Any]:
        """The body as newline-delimited JSON (bulk)."""
        return [json.loads(line) for line in (self.body or b"").decode().splitlines() if line.strip()]

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.method} {self.path}{'?' + query if query else ''}"


def _bulk_reply(request: Request) -> dict[str, Any]:
    items = []
    for line in request.lines():
        op = next(iter(line)) if len(line) == 1 else None
        if op in ("index", "create", "update", "delete"):
            meta = line[op]
            status, result = (200, "deleted") if op == "delete" else (201, "created")
            items.append({op: {"_index": meta.get("_index"), "_id": meta.get("_id"), "status": status,
                               "result": result}})  # fmt: skip
    return {"took": 0, "errors": False, "items": items}


@dataclass
class Recorder:
    replies: dict[tuple[str, str], Any] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def reply(self, request: Request) -> tuple[int, Any]:
        canned = self.replies.get((request.method, request.path))
        if canned is not None:
            return 200, canned
        if request.method == "HEAD":
            return 404, None  # no index exists yet
        if request.path.endswith("/_bulk"):
            return 200, _bulk_reply(request)
        if request.path.endswith("/_search"):
            return 200, {"took": 0, "timed_out": False, "hits": {"total": {"value": 0, "relation": "eq"},
                                                                  "hits": []}}  # fmt: skip
        if request.path.endswith("/_count"):
            return 200, {"count": 0}
        if request.method == "GET":
            return 200, {}  # listings (indexes, aliases, health): nothing there
        return 200, {"acknowledged": True}


class RecordingConnection(AsyncConnection):
    def __init__(self, *, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorder = recorder

    async def perform_request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (the connection interface's own name)
        ignore: Collection[int] = (),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        # The client has already escaped the values (booleans to "true", strings to UTF-8 bytes).
        values = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in (params or {}).items()}
        request = Request(method, url, values, body)
        self.recorder.requests.append(request)
        status, payload = self.recorder.reply(request)
        raw = "" if payload is None else json.dumps(payload)
        if not 200 <= status < 300 and status not in ignore:
            self._raise_error(status, raw, "application/json")
        return status, {"content-type": "application/json"}, raw

    async def close(self) -> None:
        return None


@asynccontextmanager
async def recording_client(replies: Replies | None = None) -> AsyncIterator[tuple[AsyncOpenSearch, Recorder]]:
    recorder = Recorder(replies=dict(replies or {}))
    client = AsyncOpenSearch(
        hosts=["http://contract.invalid:9200"],
        connection_class=RecordingConnection,
        recorder=recorder,
        max_retries=0,
    )
    try:
        yield client, recorder
    finally:
        await client.close()
