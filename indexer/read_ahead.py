"""Read and build the next documents while the engine is still indexing the last chunk.

A reindex alternates between two waits: PostgreSQL rows + document building (this process)
and a bulk request (the engine). Done in turn, their times add up; with a bounded queue
between them, this process keeps producing while a bulk request is in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


async def read_ahead(source: AsyncIterator[T], depth: int) -> AsyncIterator[T]:
    """Yield what `source` yields, while a task pulls up to `depth` items ahead.

    An error in `source` is raised here, at the point the consumer reaches it; if the
    consumer stops early, the producing task is cancelled.
    """
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=depth)

    async def produce() -> None:
        try:
            async for item in source:
                await queue.put(item)
        except Exception as exc:  # handed to the consumer, raised there
            await queue.put(exc)
            return
        await queue.put(_END)

    producer = asyncio.create_task(produce())
    try:
        while True:
            item = await queue.get()
            if item is _END:
                break
            if isinstance(item, Exception):
                raise item
            yield item  # type: ignore[misc]
    finally:
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer
