"""Lag reporting (service, admin endpoint, `levelith indexer status`) and the indexer commands."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.tokens import account_token
from app.config import Settings
from app.models import UserRole
from app.services.search_status import indexer_status
from indexer.main import cli
from indexer.worker import OutboxWorker
from tests.support.indexes import get_document, indexed_documents
from tests.support.rows import add_experience, add_user
from tests.support.waiting import eventually

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_status_reports_pending_rows_their_age_and_document_counts(
    worker: OutboxWorker, db_session: AsyncSession, search: AsyncOpenSearch, settings: Settings
) -> None:
    user = await add_user(db_session)
    for n in range(3):
        await add_experience(db_session, user, f"Pending job {n}")
    await asyncio.sleep(0.05)

    before = await indexer_status(db_session, search, settings.index_prefix)
    assert before.engine_reachable and not before.in_sync
    experiences = next(i for i in before.indexes if i.kind == "experiences")
    assert experiences.documents_postgres == 3
    assert experiences.documents_index == 0
    assert experiences.pending_outbox_rows == 3
    assert experiences.oldest_pending_seconds is not None and experiences.oldest_pending_seconds >= 0.05

    await worker.drain()
    after = await indexer_status(db_session, search, settings.index_prefix)
    assert after.in_sync
    experiences = next(i for i in after.indexes if i.kind == "experiences")
    assert (experiences.documents_index, experiences.pending_outbox_rows) == (3, 0)
    assert experiences.oldest_pending_seconds is None
    assert experiences.index == await worker.manager.live_index("experiences")


async def test_status_with_the_engine_unreachable_still_reports_postgres(
    db_session: AsyncSession, settings: Settings
) -> None:
    dead = AsyncOpenSearch(hosts=["http://127.0.0.1:9"], timeout=1, max_retries=0)
    try:
        status = await indexer_status(db_session, dead, settings.index_prefix)
    finally:
        await dead.close()
    assert not status.engine_reachable and not status.in_sync
    assert all(i.documents_index is None and i.index is None for i in status.indexes)


async def test_admin_status_endpoint_is_for_admins_only(
    worker: OutboxWorker, client: AsyncTestClient[Litestar], db_session: AsyncSession, settings: Settings
) -> None:
    assert (await client.get("/api/v1/admin/search/status")).status_code == 401
    member = await add_user(db_session)
    member_token = account_token(member, settings)
    response = await client.get(
        "/api/v1/admin/search/status", headers={"Authorization": f"Bearer {member_token}"}
    )
    assert response.status_code == 403

    admin = await add_user(db_session)
    db_session.add(UserRole(user_id=admin.id, role="admin"))
    await db_session.commit()
    await worker.drain()
    response = await client.get(
        "/api/v1/admin/search/status", headers={"Authorization": f"Bearer {account_token(admin, settings)}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["engine_reachable"] is True
    by_kind = {i["kind"]: i for i in body["indexes"]}
    assert set(by_kind) == {"naics", "experiences"}
    assert by_kind["experiences"]["pending_outbox_rows"] == 0
    assert by_kind["naics"]["documents_index"] == by_kind["naics"]["documents_postgres"]
    assert "email" not in response.text


async def test_admin_hedging_view_counts_who_answered(
    worker: OutboxWorker, client: AsyncTestClient[Litestar], db_session: AsyncSession, settings: Settings
) -> None:
    assert (await client.get("/api/v1/admin/search/hedging")).status_code == 401
    admin = await add_user(db_session)
    db_session.add(UserRole(user_id=admin.id, role="admin"))
    await db_session.commit()
    for _ in range(2):
        assert (await client.get("/api/v1/experiences/search", params={"q": "x"})).status_code == 200
    response = await client.get(
        "/api/v1/admin/search/hedging", headers={"Authorization": f"Bearer {account_token(admin, settings)}"}
    )
    assert response.status_code == 200
    by_kind = {k["kind"]: k for k in response.json()}
    text_search = by_kind["experiences:text+facets"]
    assert text_search["answered"] == {"opensearch": 2}
    assert text_search["breaker_open"] is False


def _cli_env(settings: Settings, tmp_path: Path, opensearch_url: str | None = None) -> dict[str, str]:
    assert settings.database_url and settings.opensearch_url
    env = dict(os.environ)
    env.update(
        DATABASE_URL=settings.database_url,
        OPENSEARCH_URL=opensearch_url or settings.opensearch_url,
        OPENSEARCH_INDEX_PREFIX=settings.index_prefix,
        LEVELITH_DATA_DIR=str(tmp_path),
        SECRET_KEY="cli-test",
        LOG_LEVEL="WARNING",
    )
    return env


async def _levelith(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run the command in-process (in a thread: it runs its own event loop)."""
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)
    return result.exit_code, result.output


async def test_reindex_and_status_commands(
    db_session: AsyncSession,
    search: AsyncOpenSearch,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    user = await add_user(db_session)
    jobs = [await add_experience(db_session, user, f"Command line job {n}") for n in range(4)]
    env = _cli_env(settings, tmp_path)

    code, output = await _levelith(env, "reindex", "experiences")
    assert code == 0, output
    assert "experiences: 4 documents into" in output and "docs/s" in output
    assert set(await indexed_documents(search, settings.index_prefix, "experiences")) == {j.id for j in jobs}

    code, output = await _levelith(env, "indexer", "status")
    assert code == 0, output
    assert f"{settings.index_prefix}experiences" in output and "missing" in output  # naics was not built

    code, output = await _levelith(
        _cli_env(settings, tmp_path, "http://127.0.0.1:9"), "indexer", "status", "-q"
    )
    assert code == 1 and output.strip() == ""


async def test_indexer_run_consumes_the_outbox_and_stops_cleanly_on_sigterm(
    worker: OutboxWorker,
    db_session: AsyncSession,
    search: AsyncOpenSearch,
    settings: Settings,
    tmp_path: Path,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "indexer", "indexer", "run",
        cwd=REPO_ROOT, env=_cli_env(settings, tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        user = await add_user(db_session)
        job = await add_experience(db_session, user, "Picked up by the indexer process")

        async def indexed() -> bool:
            return await get_document(search, settings.index_prefix, "experiences", job.id) is not None

        await eventually(indexed, within=20)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 15)
        assert process.returncode == 0, output.decode()
        assert "indexer stopped" in output.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
