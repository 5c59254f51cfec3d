"""What a person sees in the terminal: a start of `levelith serve` and `--help`, without warnings."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.config import Settings
from app.db.migrations import head_revision
from tests.support.live_server import free_port

# The command a person runs, installed beside this interpreter by `pip install -e .`.
LEVELITH = Path(sys.executable).parent / "levelith"

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.*)$"
)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"XDG_RUNTIME_DIR", "LOG_LEVEL", "OPENSEARCH_URL"}}
    # Without XDG_RUNTIME_DIR (containers, CI) platformdirs used to warn on every call.
    return {**env, "LEVELITH_DATA_DIR": str(tmp_path / "data"), **extra}


def levelith(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LEVELITH), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_prints_usage_and_nothing_else(tmp_path: Path) -> None:
    env = environment(tmp_path)
    for args in [("--help",), ("serve", "--help")]:
        result = levelith(*args, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Usage: levelith"), result.stdout
        assert result.stderr == "", result.stderr
        assert "warning" not in result.stdout.lower()


def wait_until_ready(url: str, process: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "levelith serve exited early"
        try:
            with urllib.request.urlopen(f"{url}/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("levelith serve did not become ready")


def test_a_start_says_what_it_started_and_where_it_answers_and_nothing_more(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    # PostgreSQL from the test session (already migrated, with the built-in catalogue); the search
    # engine embedded, as on a fresh machine.
    env = environment(tmp_path, DATABASE_URL=str(settings.database_url), OPENSEARCH_INDEX_PREFIX="quiet_")
    process = subprocess.Popen(
        [str(LEVELITH), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    address = f"Levelith search answers on http://127.0.0.1:{port} (OpenAPI: /schema, 1 worker)"
    lines = output[: output.index(address) + len(address)].splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), f"only log lines in the format of app/logs.py:\n{output}"
    assert "warning" not in output.lower() and "Traceback" not in output, output
    assert {m["level"] for m in parsed if m} == {"INFO"}
    messages = [m["message"] for m in parsed if m]
    assert len(messages) == 5, "\n".join(messages)
    assert re.fullmatch(r"embedded search engine osmem \S+ running at http://127\.0\.0\.1:\d+", messages[0])
    assert re.fullmatch(r"database schema at \w+ \(up to date\)", messages[1])
    assert re.fullmatch(r"NAICS catalogue: 1436 codes", messages[2])
    assert re.fullmatch(
        r"search indexes built from PostgreSQL: naics \(1436 documents\), .* in [\d.]+s", messages[3]
    )


def test_debug_shows_what_the_default_level_hides(settings: Settings, tmp_path: Path) -> None:
    # At the default level a start shows no Alembic line (the test above); at DEBUG they are back.
    env = environment(tmp_path, DATABASE_URL=str(settings.database_url), LOG_LEVEL="DEBUG")
    loud = levelith("db", "upgrade", env=env)
    assert loud.returncode == 0, loud.stderr
    assert "alembic.runtime.migration: Context impl PostgresqlImpl" in loud.stderr
    head = head_revision(str(settings.database_url))
    assert loud.stdout.strip() == f"database schema at {head} (up to date)"
