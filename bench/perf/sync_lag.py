"""Write → searchable: experiences created through the API at a steady rate, while one
watcher asks the search engine, every few milliseconds, which of the pending ones it finds.

The lag recorded is from the 201 response to the first engine search that returns the
document: an upper bound, coarser than the truth by at most one watch interval plus one
search round trip. The watcher searches the engine directly (an `ids` query on the alias the
API reads, the same refreshed searcher): the API answers a search synchronously from the
engine, so that adds no lag, while polling through the API loaded the very process under
measurement (40 searches/s per pending item, each with facets) and turned short stalls into
queues: the measurement made its own tail.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from opensearchpy import AsyncOpenSearch

from bench.common.stats import latency_summary

REGISTER_PATH = "/api/v1/auth/register"
LOGIN_PATH = "/api/v1/auth/login"
EXPERIENCES_PATH = "/api/v1/experiences"


class ApiRefused(RuntimeError):
    pass


@dataclass
class SyncLagRun:
    created: int
    visible: int
    not_visible: int
    rate_per_s: float
    lag: dict[str, float | None]
    create_latency: dict[str, float | None]
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def register_users(client: httpx.AsyncClient, count: int) -> list[str]:
    """Register and log in `count` fresh users; their bearer tokens."""
    tokens = []
    for n in range(count):
        username = f"bench{secrets.token_hex(4)}{n}"
        password = f"Bench-{secrets.token_urlsafe(12)}"
        account = {"username": username, "email": f"{username}@example.com", "password": password}
        registered = await client.post(REGISTER_PATH, json=account)
        if registered.status_code not in (200, 201):
            raise ApiRefused(f"register answered {registered.status_code}: {registered.text[:300]}")
        login = await client.post(LOGIN_PATH, json={"username": username, "password": password})
        if login.status_code != 200:
            raise ApiRefused(f"login answered {login.status_code}: {login.text[:300]}")
        tokens.append(login.json()["access_token"])
    return tokens


def experience_body(token: str) -> dict[str, Any]:
    return {
        "experience_type": "full_time",
        "title": f"Platform engineer {token}",
        "description": "Kept the search index in step with the database.",
        "organization": "Levelith Bench Ltd",
        "naics_code": "541511",
    }


class Watcher:
    """One loop that finds pending documents in the engine and stamps when each appears."""

    def __init__(self, search: AsyncOpenSearch, index: str, interval: float) -> None:
        self.search = search
        self.index = index
        self.interval = interval
        self.pending: dict[str, asyncio.Future[float]] = {}
        self.errors: Counter[str] = Counter()

    def expect(self, document_id: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.pending[document_id] = future
        return future

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if self.pending:
                ids = list(self.pending)
                try:
                    response = await self.search.search(
                        index=self.index,
                        body={"query": {"ids": {"values": ids}}, "size": len(ids), "_source": False},
                    )
                except Exception as exc:  # an engine hiccup is counted, the watch goes on
                    self.errors[f"search:{type(exc).__name__}"] += 1
                else:
                    seen = time.perf_counter()
                    for hit in response["hits"]["hits"]:
                        future = self.pending.pop(str(hit["_id"]), None)
                        if future is not None and not future.done():
                            future.set_result(seen)
            await asyncio.sleep(self.interval)


async def measure(
    client: httpx.AsyncClient,
    search: AsyncOpenSearch,
    index: str,
    tokens: list[str],
    *,
    count: int,
    rate: float,
    watch_interval: float = 0.01,
    give_up_after: float = 10.0,
) -> SyncLagRun:
    run_id = secrets.token_hex(3)
    lags: list[float] = []
    create_latencies: list[float] = []
    errors: Counter[str] = Counter()
    not_visible = 0
    watcher = Watcher(search, index, watch_interval)
    stop = asyncio.Event()
    watching = asyncio.create_task(watcher.run(stop))
    start = time.perf_counter() + 0.1

    async def one(n: int) -> None:
        nonlocal not_visible
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        token = f"sync{run_id}x{n}"
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        sent = time.perf_counter()
        try:
            response = await client.post(EXPERIENCES_PATH, json=experience_body(token), headers=headers)
        except httpx.HTTPError as exc:
            errors[f"create:{type(exc).__name__}"] += 1
            return
        created = time.perf_counter()
        if response.status_code != 201:
            errors[f"create:http_{response.status_code}"] += 1
            return
        create_latencies.append(created - sent)
        appeared = watcher.expect(str(response.json()["id"]))
        try:
            lags.append(await asyncio.wait_for(appeared, give_up_after) - created)
        except TimeoutError:
            not_visible += 1

    try:
        await asyncio.gather(*(one(n) for n in range(count)))
    finally:
        stop.set()
        await watching
    errors.update(watcher.errors)
    return SyncLagRun(
        created=len(create_latencies),
        visible=len(lags),
        not_visible=not_visible,
        rate_per_s=rate,
        lag=latency_summary(lags),
        create_latency=latency_summary(create_latencies),
        errors=dict(errors),
    )
