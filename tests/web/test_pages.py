"""The browser pages are served by the app itself, with the types browsers insist on."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.routes.pages import PAGES
from app.web import STATIC_DIR


async def test_pages_are_html_that_loads_only_this_origin(client: AsyncTestClient[Litestar]) -> None:
    pages = [
        ("/", "/static/picker.js"),
        ("/experiences", "/static/experiences.js"),
        ("/verify-email?token=x", "/static/verify-email.js"),
    ]
    for path, module in pages:
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert f'<script type="module" src="{module}">' in response.text
        assert not re.search(r"(src|href)=\"(https?:)?//", response.text), "no third-party assets"


async def test_every_asset_a_page_or_module_names_is_served_with_its_type(
    client: AsyncTestClient[Litestar],
) -> None:
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    names = {p.name for p in STATIC_DIR.iterdir() if p.suffix in types}
    referenced = set()
    for path in PAGES:
        referenced |= set(re.findall(r"/static/([\w.-]+)", (await client.get(path)).text))
    # HTML a route writes itself (the API docs page: app/routes/api_docs.py).
    for source in (STATIC_DIR.parent.parent / "routes").glob("*.py"):
        referenced |= set(re.findall(r"/static/([\w.-]+)", source.read_text()))
    for module in STATIC_DIR.glob("*.js"):
        referenced |= set(re.findall(r"from \"\./([\w.-]+)\"", module.read_text()))
    assert referenced == names, "every asset is used, and every used asset exists"
    for name in sorted(names):
        response = await client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith(types[name[name.rindex(".") :]]), name
    assert (await client.get("/static/missing.js")).status_code == 404
