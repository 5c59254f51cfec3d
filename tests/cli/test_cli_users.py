"""`levelith users grant-admin / revoke-admin`: the only way to an administrator."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from app.config import Settings
from tests.support.accounts import Client, sign_up
from tests.support.experience_bodies import create_experience


async def levelith(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "SECRET_KEY": settings.secret_key,
        "LEVELITH_DATA_DIR": str(settings.data_dir),
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "indexer", "users", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_grant_and_revoke_admin(client: Client, settings: Settings) -> None:
    ada = await sign_up(client, "ada")
    root = await sign_up(client, "root")
    experience = await create_experience(client, ada, "hard_skill")
    url = f"/api/v1/experiences/{experience['id']}"
    assert (await client.patch(url, json={"title": "Go"}, headers=root.auth)).status_code == 403

    granted = await levelith(settings, "grant-admin", "root")
    assert granted.returncode == 0, granted.stderr
    assert (await client.get("/api/v1/users/me", headers=root.auth)).json()["is_admin"] is True
    assert (await client.patch(url, json={"title": "Go"}, headers=root.auth)).json()["title"] == "Go"

    revoked = await levelith(settings, "revoke-admin", "root")
    assert revoked.returncode == 0, revoked.stderr
    assert (await client.patch(url, json={"title": "Rust"}, headers=root.auth)).status_code == 403

    missing = await levelith(settings, "grant-admin", "nobody")
    assert missing.returncode != 0 and "no user named 'nobody'" in missing.stderr
