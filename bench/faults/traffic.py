"""The client side: registered users writing experiences and anonymous searches, over HTTP.

A 503 with Retry-After (PostgreSQL restarting) is what the service promises during a database gap,
so a client retries it after the hint, as a real client would; any other 5xx, or a 503 without the
hint, is a failure. Every write must eventually succeed.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "correct horse battery staple"
MAX_RETRIES = 60
SEARCHES = [
    ("/api/v1/naics/search", {"q": "software"}),
    ("/api/v1/naics/autocomplete", {"q": "dent"}),
    ("/api/v1/experiences/search", {"q": "welder"}),
    ("/api/v1/naics/search", {"q": "restaurnt", "sector": "72"}),
    ("/api/v1/naics/autocomplete", {"q": "54"}),
    ("/api/v1/experiences/search", {"q": "", "category": "workplace"}),
]


@dataclass
class Stream:
    total: int
    users: list[tuple[str, str]] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    engines: Counter[str] = field(default_factory=Counter)
    engines_by_state: dict[str, Counter[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    retried_503: int = 0
    done: int = 0
    writes_ok: int = 0
    writes_failed: int = 0
    created: int = 0
    deleted: int = 0
    state: str = "healthy"  # what the fault schedule has broken at the moment
    owned: dict[str, list[str]] = field(default_factory=dict)
    milestones: dict[int, asyncio.Event] = field(default_factory=dict)

    def at(self, done: int) -> asyncio.Event:
        return self.milestones.setdefault(done, asyncio.Event())

    def _count(self) -> None:
        self.done += 1
        if self.done in self.milestones:
            self.milestones[self.done].set()


async def register_users(http: httpx.AsyncClient, count: int) -> list[tuple[str, str]]:
    users = []
    for _ in range(count):
        name = f"bench_{secrets.token_hex(4)}"
        body = {"username": name, "email": f"{name}@example.org", "password": PASSWORD}
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 201
        login = await http.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        users.append((name, login.json()["access_token"]))
    return users


async def _send(
    stream: Stream, http: httpx.AsyncClient, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    for _ in range(MAX_RETRIES):
        try:
            response = await http.request(method, url, **kwargs)
        except httpx.TransportError as exc:  # the service itself never goes away in this run
            stream.failures.append(f"{method} {url}: transport error {exc!r}")
            raise
        stream.statuses[response.status_code] += 1
        if response.status_code == 503 and "retry-after" in response.headers:
            stream.retried_503 += 1
            await asyncio.sleep(min(float(response.headers["retry-after"]), 1.0))
            continue
        if response.status_code >= 500:
            stream.failures.append(f"{method} {url}: {response.status_code} {response.text[:200]}")
        return response
    stream.failures.append(f"{method} {url}: still 503 after {MAX_RETRIES} retries")
    return response


async def _write(stream: Stream, http: httpx.AsyncClient, n: int) -> None:
    username, token = stream.users[n % len(stream.users)]
    auth = {"Authorization": f"Bearer {token}"}
    mine = stream.owned.setdefault(username, [])
    step = n // len(stream.users)
    if step % 5 == 3 and mine:
        doomed = mine.pop(0)
        response = await _send(stream, http, "DELETE", f"/api/v1/experiences/{doomed}", headers=auth)
        ok = response.status_code == 204
        stream.deleted += ok
    elif step % 5 == 4 and mine:
        body = {"title": f"Senior welder, write {n}", "tags": ["updated"]}
        response = await _send(
            stream, http, "PATCH", f"/api/v1/experiences/{mine[-1]}", json=body, headers=auth
        )
        ok = response.status_code == 200
    else:
        body = {
            "experience_type": "full_time",
            "title": f"Welder, write {n}",
            "organization": "Forge & Co",
            "naics_code": "332312" if n % 2 else None,
            "start_date": "2020-01-01",
            "tags": ["welding"],
        }
        response = await _send(stream, http, "POST", "/api/v1/experiences", json=body, headers=auth)
        ok = response.status_code == 201
        if ok:
            mine.append(response.json()["id"])
            stream.created += 1
    if ok:
        stream.writes_ok += 1
    else:
        stream.writes_failed += 1
        stream.failures.append(f"write {n}: {response.status_code} {response.text[:200]}")


async def _search(stream: Stream, http: httpx.AsyncClient, n: int) -> None:
    path, params = SEARCHES[n % len(SEARCHES)]
    state = stream.state
    response = await _send(stream, http, "GET", path, params=params)
    if response.status_code != 200:
        stream.failures.append(f"search {n} {path}: {response.status_code} {response.text[:200]}")
        return
    engine = response.json()["engine"]
    stream.engines[engine] += 1
    if state == stream.state:  # sent and answered in the same state
        stream.engines_by_state.setdefault(state, Counter())[engine] += 1


async def _lane(stream: Stream, http: httpx.AsyncClient, work: itertools.count) -> None:
    while (n := next(work)) < stream.total:
        if n % 2 == 0:
            await _write(stream, http, n // 2)
        else:
            await _search(stream, http, n // 2)
        stream._count()


async def run_stream(stream: Stream, http: httpx.AsyncClient, lanes: int) -> float:
    started = time.monotonic()
    work = itertools.count()
    await asyncio.gather(*(_lane(stream, http, work) for _ in range(lanes)))
    return time.monotonic() - started
