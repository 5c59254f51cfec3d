"""Fuzz the whole API from its own OpenAPI document with schemathesis, against the real app over HTTP.

The CLI drives a live server (schemathesis' pytest integration does not work with this pytest).
Two checks: no response is a server error, and every response matches what the document says
(status code documented, body valid against its schema). The longer run's command is in
docs/reliability.md; this one is bounded for CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from tests.faults.conftest import bearer, register
from tests.support.live_server import serve
from tests.support.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SEED = 20261125
MAX_EXAMPLES = int(os.environ.get("LEVELITH_FUZZ_EXAMPLES", "15"))
# Deleting or deactivating the fuzzing account would turn the rest of the run into 401s.
SPARED = ["ApiV1UsersMeDeleteMe", "ApiV1UsersMeDeactivateDeactivateMe"]


def schemathesis_command(base: str, token: str, *, seed: int, max_examples: int) -> list[str]:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = [
        str(schemathesis),
        "run",
        f"{base}/schema/openapi.json",
        "--checks",
        "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
        "-H",
        f"Authorization: Bearer {token}",
        "--seed",
        str(seed),
        "--max-examples",
        str(max_examples),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "10",
        "--no-shrink",
    ]
    for operation_id in SPARED:
        command += ["--exclude-operation-id", operation_id]
    return command


@pytest.mark.slow
async def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    indexed: Settings, tmp_path: Path
) -> None:
    settings = indexed  # the engine path is fuzzed too, not only the fallback
    with serve(settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
            _, _, token = await register(http)
            assert (await http.get("/api/v1/users/me", headers=bearer(token))).status_code == 200
        command = schemathesis_command(base, token, seed=SEED, max_examples=MAX_EXAMPLES)
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        run = subprocess.run(  # noqa: ASYNC221 - the server runs in its own thread
            command,
            capture_output=True,
            text=True,
            timeout=240 + 10 * MAX_EXAMPLES,
            env=env,
            check=False,
            cwd=tmp_path,
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / "schemathesis.txt"
    report.write_text(run.stdout + run.stderr)
    summary = run.stdout[run.stdout.find("=== FAILURES") :] if run.returncode else ""
    assert run.returncode == 0, (
        f"schemathesis exit {run.returncode} (full output: {report})\n{summary[:15000]}"
    )
