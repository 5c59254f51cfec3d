"""GET /metrics: who may scrape, and the exposition (process metrics plus scrape-time gauges)."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.metrics import INDEXER_LAST_SUCCESS_NAME
from app.repositories.search_outbox import Pending, pending_by_kind

log = logging.getLogger(__name__)


def scrape_allowed(client_host: str | None, authorization: str | None, token: str | None) -> bool:
    """With METRICS_TOKEN set, the bearer token from anyone (a local reverse proxy makes every
    client look local); without it, loopback clients only."""
    if token:
        presented = (authorization or "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(presented.encode(), token.encode())
    try:
        return client_host is not None and ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return False


def process_registry() -> CollectorRegistry:
    """This process's metrics, or every worker's when prometheus-client runs multiprocess."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def _last_success(registry: CollectorRegistry) -> float | None:
    values = [
        sample.value
        for metric in registry.collect()
        if metric.name == INDEXER_LAST_SUCCESS_NAME
        for sample in metric.samples
    ]
    latest = max(values, default=0.0)
    return latest or None


class _ScrapeTime(Collector):
    """Gauges computed when scraped: nothing to keep in step between scrapes or processes."""

    def __init__(self, pending: dict[str, Pending] | None, engine: AsyncEngine, last_success: float | None):
        self.pending = pending
        self.engine = engine
        self.last_success = last_success

    def collect(self) -> Iterator[Metric]:
        if self.pending is not None:
            rows = GaugeMetricFamily(
                "levelith_outbox_pending_rows", "Outbox rows waiting for the indexer", labels=["kind"]
            )
            age = GaugeMetricFamily(
                "levelith_outbox_oldest_pending_seconds",
                "Age of the oldest outbox row waiting (0 when none waits)",
                labels=["kind"],
            )
            for kind, pending in sorted(self.pending.items()):
                rows.add_metric([kind], pending.rows)
                age.add_metric([kind], pending.oldest_age_seconds or 0.0)
            yield rows
            yield age
        if self.last_success is not None:
            yield GaugeMetricFamily(
                "levelith_indexer_seconds_since_last_success",
                "Seconds since the indexer last completed a pass over the outbox",
                value=max(0.0, time.time() - self.last_success),
            )
        pool = self.engine.sync_engine.pool
        if hasattr(pool, "checkedout"):
            yield GaugeMetricFamily(
                "levelith_db_pool_checked_out",
                "Connections of this process's pool in use",
                value=pool.checkedout(),
            )
            yield GaugeMetricFamily(
                "levelith_db_pool_size", "Connections this process's pool keeps open", value=pool.size()
            )
            yield GaugeMetricFamily(
                "levelith_db_pool_overflow",
                "Connections opened beyond the pool size (negative: unused pool slots)",
                value=pool.overflow(),
            )


async def exposition(sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine) -> bytes:
    registry = process_registry()
    try:
        async with sessions() as session:
            pending: dict[str, Pending] | None = await pending_by_kind(session)
    except Exception as exc:  # the rest of the scrape is still worth having
        log.warning("metrics: outbox not read: %s", exc)
        pending = None
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_ScrapeTime(pending, engine, _last_success(registry)))
    return generate_latest(registry) + generate_latest(scrape)
