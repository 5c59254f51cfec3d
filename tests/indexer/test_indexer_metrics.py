"""The indexer's counters and the outbox gauges, as a scrape of /metrics shows them."""

from __future__ import annotations

from dataclasses import replace

from litestar.testing import AsyncTestClient
from opensearchpy import AsyncOpenSearch
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession

from app.asgi import create_app
from app.config import Settings
from indexer.worker import OutboxWorker
from tests.support.metrics import samples, value
from tests.support.rows import add_experience, add_user


async def test_indexer_batches_documents_and_last_sync(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings
) -> None:
    batches = REGISTRY.get_sample_value("levelith_indexer_batches_total") or 0
    documents = REGISTRY.get_sample_value("levelith_indexer_documents_total") or 0
    user = await add_user(db_session)
    for n in range(3):
        await add_experience(db_session, user, f"Metered job {n}")
    async with AsyncTestClient(app=create_app(replace(settings, metrics_token="t"))) as client:
        pending = samples((await client.get("/metrics", headers={"Authorization": "Bearer t"})).text)
        assert value(pending, "levelith_outbox_pending_rows", kind="experiences") == 3
        assert (value(pending, "levelith_outbox_oldest_pending_seconds", kind="experiences") or 0) > 0

        await worker.drain()
        drained = samples((await client.get("/metrics", headers={"Authorization": "Bearer t"})).text)
    assert value(drained, "levelith_indexer_batches_total") == batches + 1
    assert value(drained, "levelith_indexer_documents_total") == documents + 3
    assert value(drained, "levelith_outbox_pending_rows", kind="experiences") == 0
    since = value(drained, "levelith_indexer_seconds_since_last_success")
    assert since is not None and since < 60
