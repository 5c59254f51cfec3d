"""Every CLI verb on the embedded default (no DATABASE_URL, no OPENSEARCH_URL), as a new user
runs them: beside a running `levelith serve` they use its engines; after a crash its stale
record is ignored; with no serve they start the engines themselves. The search engine keeps
its port across restarts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.embedded.record import RECORD_FILE
from tests.support.live_server import free_port
from tests.support.serve_process import stop, wait_ready

pytestmark = pytest.mark.slow


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "OPENSEARCH_URL"}}
    return {**env, "LEVELITH_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"}


def levelith(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        env=embedded_env(data_dir),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def start_embedded_serve(data_dir: Path, log: Path, port: int) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--port", str(port)],
            env={**embedded_env(data_dir), "LOG_LEVEL": "INFO"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def recorded_search_url(data_dir: Path) -> str:
    return str(json.loads((data_dir / RECORD_FILE).read_text())["opensearch_url"])


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: embedded PostgreSQL runs as its own system user when the
    # tests run as root, and cannot enter pytest's private /tmp/pytest-of-root.
    with tempfile.TemporaryDirectory(prefix="levelith-cli-") as tmp:
        yield Path(tmp) / "data"


def test_cli_verbs_on_the_embedded_default(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = start_embedded_serve(data_dir, tmp_path / "serve.log", port)
    try:
        wait_ready(base, serve, tmp_path / "serve.log")
        first_url = recorded_search_url(data_dir)

        # Beside a running serve: its engine, whose indexes it built (a fresh one would have none).
        status = levelith(data_dir, "indexer", "status")
        assert status.returncode == 0, status.stderr
        assert "in sync" in status.stdout and "missing" not in status.stdout

        reindexed = levelith(data_dir, "reindex", "naics")
        assert reindexed.returncode == 0, reindexed.stderr
        assert "naics: 1436 documents" in reindexed.stdout
        hits = httpx.get(f"{base}/api/v1/naics/search", params={"q": "software publishers"}).json()
        assert "513210" in [hit["code"] for hit in hits["items"]]

        sample = tmp_path / "sample.tsv"
        assert levelith(data_dir, "naics", "sample", str(sample)).returncode == 0
        imported = levelith(data_dir, "naics", "import", str(sample), "--dry-run")
        assert imported.returncode == 0, imported.stderr

        account = {"username": "newuser", "email": "newuser@example.com", "password": "a long passphrase 42"}
        assert httpx.post(f"{base}/api/v1/auth/register", json=account).status_code == 201
        granted = levelith(data_dir, "users", "grant-admin", "newuser")
        assert granted.returncode == 0, granted.stderr

        # A crash leaves the record behind; the next command sees it is stale and starts its own
        # (empty) engine instead of failing or hanging.
        serve.kill()
        serve.wait(timeout=30)
        assert (data_dir / RECORD_FILE).exists()
        time.sleep(1)  # osmem notices its parent is gone
        after_crash = levelith(data_dir, "indexer", "status")
        assert after_crash.returncode == 0, after_crash.stderr
        assert "missing" in after_crash.stdout

        # The next serve's engine comes back on the same port; a clean stop removes the record.
        serve = start_embedded_serve(data_dir, tmp_path / "serve2.log", port)
        wait_ready(base, serve, tmp_path / "serve2.log")
        assert recorded_search_url(data_dir) == first_url
    finally:
        if serve.poll() is None:
            assert stop(serve) == 0
    assert not (data_dir / RECORD_FILE).exists()

    # No serve at all: the command starts both engines itself.
    alone = levelith(data_dir, "reindex", "all")
    assert alone.returncode == 0, alone.stderr
    assert "naics: 1436 documents" in alone.stdout
