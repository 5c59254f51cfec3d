"""The detail read and autocomplete answers served from each process's memory stay as fresh as
the catalogue: an editor sees their own change at once, other writers' within the refresh period;
and a model still being built never holds up a stop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.asgi import create_app
from app.auth.tokens import account_token
from app.config import Settings
from app.db.engine import create_engine
from app.models import NaicsCode, UserRole
from app.services.catalogue_models import CatalogueModel
from tests.support.rows import add_user
from tests.support.waiting import eventually


async def test_detail_and_answers_follow_the_catalogue(settings: Settings, db_session: AsyncSession) -> None:
    fresh = replace(settings, typeahead_refresh_seconds=0.2)
    async with AsyncTestClient(app=create_app(fresh)) as client:
        first = (await client.get("/api/v1/naics/autocomplete", params={"q": "dentists"})).json()
        assert first["engine"] == "memory"
        assert "621210" in [item["code"] for item in first["items"]]
        detail = (await client.get("/api/v1/naics/621210")).json()
        assert detail["title"] == "Offices of Dentists"
        assert (await client.get("/api/v1/naics/31-33")).json()["code"] == "31"
        assert (await client.get("/api/v1/naics/999999")).status_code == 404

        # An admin's edit shows in the very next read of that code.
        admin = await add_user(db_session)
        db_session.add(UserRole(user_id=admin.id, role="admin"))
        await db_session.commit()
        headers = {"Authorization": f"Bearer {account_token(admin, fresh)}"}
        patched = await client.patch("/api/v1/naics/621210", json={"tags": ["teeth"]}, headers=headers)
        assert patched.status_code == 200
        assert (await client.get("/api/v1/naics/621210")).json()["tags"] == ["teeth"]

        # A change made elsewhere (another process, the CLI) within the refresh period, in both.
        row = await db_session.get(NaicsCode, "621210")
        assert row is not None
        row.title = "Offices of Dentists and Zyxwvut"
        await db_session.commit()

        async def detail_moved() -> bool:
            body = (await client.get("/api/v1/naics/621210")).json()
            return body["title"] == "Offices of Dentists and Zyxwvut"

        async def answer_moved() -> bool:
            body = (await client.get("/api/v1/naics/autocomplete", params={"q": "dentists"})).json()
            titles = {item["code"]: item["title"] for item in body["items"]}
            return titles.get("621210") == "Offices of Dentists and Zyxwvut"

        await eventually(detail_moved, within=10, step=0.1)
        await eventually(answer_moved, within=10, step=0.1)


def test_stopping_mid_build_does_not_wait_for_the_build(settings: Settings) -> None:
    """A service stopped (or restarted) while a model is still training stops at once: the
    training's result would go unused. A build that waited would hold the loop's close here
    until ``release`` is set, long after the join below gives up."""
    started, release = threading.Event(), threading.Event()

    @dataclass
    class Built:
        version: Any

    def slow_build(documents: Iterable[dict[str, Any]], version: Any) -> Built:
        started.set()
        release.wait(120)
        return Built(version)

    async def start_a_build_then_stop() -> None:
        engine = create_engine(settings)
        model = CatalogueModel(async_sessionmaker(engine), 5.0, slow_build, "slow model")
        try:
            assert await model.current(wait=False) is None  # the first build runs in the background
            await asyncio.to_thread(started.wait, 30)
        finally:
            await model.close()
            await engine.dispose()

    service = threading.Thread(target=asyncio.run, args=(start_a_build_then_stop(),))
    try:
        service.start()
        service.join(60)
        assert started.is_set()
        assert not service.is_alive(), "the loop's close waited for a training nobody will use"
    finally:
        release.set()
        service.join()
