"""Each page loads in under 100 KB, all from this service, with nothing in the console."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import Console, screenshot

LIMIT_BYTES = 100_000


@pytest.mark.parametrize("path", ["/", "/experiences"])
async def test_page_loads_light_and_clean(live_server: str, page: Any, console: Console, path: str) -> None:
    requests: list[Any] = []
    page.on("requestfinished", lambda request: requests.append(request))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    response = await page.goto(live_server + path, wait_until="networkidle")
    assert response is not None and response.status == 200

    transferred = 0
    for request in requests:
        sizes = await request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    hosts = {urlparse(request.url).netloc for request in requests if not request.url.startswith("data:")}
    assert hosts == {urlparse(live_server).netloc}, "everything comes from the service itself"
    assert len(requests) >= 5, "the page, its stylesheet, icon and modules were all loaded"
    assert transferred < LIMIT_BYTES, f"{path} transferred {transferred} bytes"
    assert failed == []
    name = "experiences" if path == "/experiences" else "picker"
    await screenshot(page, f"page-{name}")
    assert console.errors == []
