"""Write → searchable: experiences created through the API at a steady rate, each then polled
for in experience search by a token only its title carries.

The lag recorded is from the 201 response to the poll response that first contains the
document: an upper bound, coarser than the truth by at most one poll interval plus one
search round trip.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from bench.common.stats import latency_summary
from bench.perf.traffic import EXPERIENCE_SEARCH_PATH

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


def found(items: list[dict[str, Any]], experience_id: str | None, token: str) -> bool:
    return any(
        (experience_id is not None and item.get("id") == experience_id) or token in str(item.get("title", ""))
        for item in items
    )


async def measure(
    client: httpx.AsyncClient,
    tokens: list[str],
    *,
    count: int,
    rate: float,
    poll_interval: float = 0.025,
    give_up_after: float = 10.0,
) -> SyncLagRun:
    run_id = secrets.token_hex(3)
    lags: list[float] = []
    create_latencies: list[float] = []
    errors: Counter[str] = Counter()
    not_visible = 0
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
        experience_id = response.json().get("id")
        while time.perf_counter() - created < give_up_after:
            try:
                search = await client.get(EXPERIENCE_SEARCH_PATH, params={"q": token, "limit": 5})
            except httpx.HTTPError as exc:
                errors[f"search:{type(exc).__name__}"] += 1
            else:
                if search.status_code == 200 and found(search.json().get("items", []), experience_id, token):
                    lags.append(time.perf_counter() - created)
                    return
                if search.status_code != 200:
                    errors[f"search:http_{search.status_code}"] += 1
            await asyncio.sleep(poll_interval)
        not_visible += 1

    await asyncio.gather(*(one(n) for n in range(count)))
    return SyncLagRun(
        created=len(create_latencies),
        visible=len(lags),
        not_visible=not_visible,
        rate_per_s=rate,
        lag=latency_summary(lags),
        create_latency=latency_summary(create_latencies),
        errors=dict(errors),
    )
