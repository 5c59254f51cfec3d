"""Exactly one outbox indexer among the API processes of one `levelith serve`.

Every worker process asks for an exclusive lock on a file in LEVELITH_DATA_DIR; the one that
holds it runs the indexer. The kernel releases the lock when its holder exits, however it exits,
so when a crashed worker is replaced another one takes over within LOCK_RETRY_SECONDS. (Two
indexers would still be correct, since claims skip locked rows, but would contend for nothing.)
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from app.config import Settings
from indexer.worker import running_worker

log = logging.getLogger(__name__)

LOCK_RETRY_SECONDS = 2.0
LOCK_FILE = "indexer.lock"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


async def _hold_and_run(settings: Settings, lock_path: Path, stop: asyncio.Event) -> None:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while not stop.is_set():
            if not _try_lock(fd):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), LOCK_RETRY_SECONDS)
                continue
            log.info("process %d runs the outbox indexer", os.getpid())
            async with running_worker(settings):
                await stop.wait()
    finally:
        os.close(fd)  # releases the lock


def elected_indexer(settings: Settings) -> Any:
    """A background task for create_app(background=...): the indexer, if this process wins the lock."""
    lock_path = settings.data_dir / LOCK_FILE

    @contextlib.asynccontextmanager
    async def background(_app: Any) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(_hold_and_run(settings, lock_path, stop), name="levelith-indexer-election")
        try:
            yield
        finally:
            stop.set()
            await task

    return background
