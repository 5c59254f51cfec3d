"""A closed-loop load generator: N connections, each sending its next request when the
previous one is answered, for a bounded time and count, to 127.0.0.1 only.

aiohttp rather than httpx here: its lower per-request cost keeps the client from being
the bottleneck it would otherwise be on a small machine (client CPU is reported with
every run so a saturated client shows).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench.common.stats import latency_summary

PathStream = Callable[[int], Iterator[str]]  # user number -> that user's request paths


@dataclass(frozen=True)
class LoadSettings:
    warmup_s: float
    duration_s: float
    max_requests: int


@dataclass
class LoadRun:
    scenario: str
    concurrency: int
    requests: int
    seconds: float
    rps: float
    latency: dict[str, float | None]
    errors: dict[str, int] = field(default_factory=dict)
    # Share of one core the load generator used: near 1.0 means the client, not the server, was the limit.
    client_cpu_share: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_local(base_url: str) -> None:
    host = urlsplit(base_url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"load is only ever sent to this machine, not {host!r}")


async def drive(
    base_url: str, scenario: str, streams: PathStream, concurrency: int, settings: LoadSettings
) -> LoadRun:
    check_local(base_url)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        measure_from = started + settings.warmup_s
        stop_at = measure_from + settings.duration_s
        last_done = measure_from

        async def user(number: int) -> None:
            nonlocal last_done
            for path in streams(number):
                sent = time.perf_counter()
                if sent >= stop_at or len(latencies) + errors.total() >= settings.max_requests:
                    return
                try:
                    async with session.get(path) as response:
                        await response.read()
                        outcome = str(response.status)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    outcome = type(exc).__name__
                done = time.perf_counter()
                if sent < measure_from:  # warm-up: connections, caches, JIT-free but still real
                    continue
                if outcome == "200":
                    latencies.append(done - sent)
                else:
                    errors[outcome] += 1
                last_done = max(last_done, done)

        cpu_before = time.process_time()
        await asyncio.gather(*(user(n) for n in range(concurrency)))
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - started
    measured = max(last_done - measure_from, 1e-9)
    return LoadRun(
        scenario=scenario,
        concurrency=concurrency,
        requests=len(latencies),
        seconds=round(measured, 3),
        rps=round(len(latencies) / measured, 1),
        latency=latency_summary(latencies),
        errors=dict(errors),
        client_cpu_share=round(cpu / wall, 3) if wall else 0.0,
    )
