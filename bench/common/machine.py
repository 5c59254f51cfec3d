"""What a result was measured on: the machine, the Python, the search engine, the code."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.common.paths import REPO_ROOT


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_facts() -> dict[str, Any]:
    memory = psutil.virtual_memory().total
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_model": cpu_model(),
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": len(affinity) if affinity is not None else psutil.cpu_count(logical=True),
        "memory_bytes": memory,
        "memory_gib": round(memory / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
    }


def engine_name(info: dict[str, Any]) -> str:
    version = info.get("version", {})
    if "osmem" in (info.get("cluster_name"), version.get("build_hash")):
        return "osmem"
    return str(version.get("distribution") or "elasticsearch")


def engine_facts(opensearch_url: str, source: str) -> dict[str, Any]:
    """From GET / of the search engine (osmem reports the OpenSearch version it emulates)."""
    info = httpx.get(opensearch_url, timeout=10).json()
    version = info.get("version", {})
    facts: dict[str, Any] = {
        "name": engine_name(info),
        "version": version.get("number"),
        "lucene_version": version.get("lucene_version"),
        "source": source,
    }
    if facts["name"] == "osmem":
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            facts["osmem_server_package"] = importlib.metadata.version("osmem-server")
    return facts


def postgres_facts(version_string: str, source: str) -> dict[str, Any]:
    return {"version": version_string.split(" on ")[0], "source": source}


def git_facts() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}
