"""The soak's client side: 16 connections, each a lane drawing requests from a fixed mix.

Autocomplete 60 %, NAICS search 15 %, experience search 10 %, writes (experience creates) 10 %,
deletes 5 %. A 503 with Retry-After is the documented answer during a database gap and is
counted apart; any other 5xx, or a transport error, is a failure.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

MIX: tuple[tuple[str, float], ...] = (
    ("autocomplete", 0.60),
    ("naics_search", 0.15),
    ("experience_search", 0.10),
    ("write", 0.10),
    ("delete", 0.05),
)
# What people type, a keystroke at a time; some with typos.
TYPED = [
    "software", "dentist", "restaurant", "plumbing", "bakery", "trucking", "hospital", "lawyer",
    "resturant", "softwre", "constrution", "accounting", "insurance", "real estate", "541511", "62",
]  # fmt: skip
NAICS_SEARCHES: list[dict[str, Any]] = [
    {"q": "software"},
    {"q": "dental offices"},
    {"q": "restaurnt", "sector": "72"},
    {"q": "", "level": "2"},
    {"q": "construction", "level": ["4", "6"]},
    {"q": "farming", "category": "agriculture"},
    {"q": "5415"},
]
EXPERIENCE_SEARCHES: list[dict[str, Any]] = [
    {"q": "welder"},
    {"q": ""},
    {"q": "forge", "category": "workplace"},
    {"q": "soak", "experience_type": "full_time"},
    {"q": "", "sector": "33"},
]


@dataclass
class Tally:
    """Everything the lanes saw; read by the sampler while they run."""

    statuses: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    latency_ms: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    failure_count: int = 0
    documented_503: int = 0
    requests: int = 0
    writes_accepted: int = 0
    writes_refused: int = 0
    deletes_accepted: int = 0
    # Experience id -> owner, for every accepted create not deleted since.
    live_ids: dict[str, str] = field(default_factory=dict)
    engines: Counter[str] = field(default_factory=Counter)

    def fail(self, text: str) -> None:
        self.failure_count += 1
        if len(self.failures) < 100:
            self.failures.append(text)


def _prefixes(rng: random.Random) -> str:
    word = rng.choice(TYPED)
    return word[: rng.randint(1, len(word))]


async def _request(
    tally: Tally, http: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await http.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        tally.fail(f"{kind} {method} {url}: transport error {exc!r}")
        return None
    tally.requests += 1
    tally.by_kind[kind] += 1
    tally.statuses[response.status_code] += 1
    tally.latency_ms.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    if response.status_code == 503 and "retry-after" in response.headers:
        tally.documented_503 += 1
    elif response.status_code >= 500:
        tally.fail(f"{kind} {method} {url}: {response.status_code} {response.text[:200]}")
    return response


class Lane:
    """One connection's worth of traffic, as one signed-in user (writes and deletes are theirs)."""

    def __init__(self, number: int, username: str, token: str, seed: int) -> None:
        self.number = number
        self.username = username
        self.auth = {"Authorization": f"Bearer {token}"}
        self.rng = random.Random(seed)
        self.mine: list[str] = []
        self.written = 0

    def pick(self) -> str:
        roll = self.rng.random()
        for kind, share in MIX:
            if roll < share:
                return kind
            roll -= share
        return MIX[-1][0]

    async def one(self, tally: Tally, http: httpx.AsyncClient) -> None:
        kind = self.pick()
        if kind == "delete" and not self.mine:
            kind = "write"
        if kind == "autocomplete":
            response = await _request(
                tally, http, kind, "GET", "/api/v1/naics/autocomplete", params={"q": _prefixes(self.rng)}
            )
        elif kind == "naics_search":
            params = self.rng.choice(NAICS_SEARCHES)
            response = await _request(tally, http, kind, "GET", "/api/v1/naics/search", params=params)
        elif kind == "experience_search":
            params = self.rng.choice(EXPERIENCE_SEARCHES)
            response = await _request(tally, http, kind, "GET", "/api/v1/experiences/search", params=params)
        elif kind == "write":
            self.written += 1
            body = {
                "experience_type": "full_time",
                "title": f"Soak welder {self.number}-{self.written}",
                "organization": "Forge & Co",
                "naics_code": "332312" if self.written % 2 else None,
                "start_date": "2020-01-01",
                "tags": ["soak"],
            }
            response = await _request(
                tally, http, kind, "POST", "/api/v1/experiences", json=body, headers=self.auth
            )
            if response is not None and response.status_code == 201:
                tally.writes_accepted += 1
                identifier = response.json()["id"]
                self.mine.append(identifier)
                tally.live_ids[identifier] = self.username
            elif response is not None:
                tally.writes_refused += 1
                if response.status_code < 500:
                    tally.fail(f"write refused: {response.status_code} {response.text[:200]}")
            return
        else:
            doomed = self.mine.pop(self.rng.randrange(len(self.mine)))
            response = await _request(
                tally, http, kind, "DELETE", f"/api/v1/experiences/{doomed}", headers=self.auth
            )
            if response is not None and response.status_code == 204:
                tally.deletes_accepted += 1
                tally.live_ids.pop(doomed, None)
            else:
                self.mine.append(doomed)  # try again later
            return
        if response is not None and response.status_code == 200:
            tally.engines[response.json().get("engine", "?")] += 1
        elif response is not None and response.status_code < 500:
            tally.fail(f"{kind}: {response.status_code} {response.text[:200]}")

    async def run(self, tally: Tally, http: httpx.AsyncClient, until: float) -> None:
        while time.monotonic() < until:
            await self.one(tally, http)
