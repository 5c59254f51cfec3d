"""A reindex reads the next rows while the engine indexes the last chunk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from indexer.read_ahead import read_ahead


async def test_rows_are_read_while_the_consumer_is_busy() -> None:
    produced: list[int] = []

    async def rows() -> AsyncIterator[int]:
        for i in range(6):
            produced.append(i)
            yield i

    documents = read_ahead(rows(), depth=2)
    assert await anext(documents) == 0
    await asyncio.sleep(0.01)  # a bulk request in flight
    assert len(produced) >= 3  # two queued and one waiting to be, without being asked
    assert [d async for d in documents] == [1, 2, 3, 4, 5]


async def test_a_failing_source_fails_the_consumer_after_what_came_before() -> None:
    async def rows() -> AsyncIterator[int]:
        yield 1
        raise ValueError("row 2 cannot be read")

    seen: list[int] = []
    with pytest.raises(ValueError, match="row 2"):
        async for row in read_ahead(rows(), depth=4):
            seen.append(row)
    assert seen == [1]


async def test_stopping_early_stops_the_reader() -> None:
    produced: list[int] = []

    async def rows() -> AsyncIterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    documents = read_ahead(rows(), depth=2)
    assert await anext(documents) == 0
    await documents.aclose()
    await asyncio.sleep(0.01)
    assert len(produced) < 10
