"""A `levelith serve` process a test started: wait until it is ready, stop it as an operator does."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path, within: float = 180) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"levelith serve exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"levelith serve never became ready:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
