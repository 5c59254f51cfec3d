"""The one API docs UI: swagger-ui at /schema/docs, its assets served from the swagger-ui-bundle
package (no CDN, works offline), reading the OpenAPI document at /schema/openapi.json."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from litestar import Response, get
from litestar.enums import MediaType
from litestar.static_files import create_static_files_router

from app.web import API_DOCS_DIR

DOCS_PATH = "/schema/docs"
_ASSETS = f"{DOCS_PATH}/assets"
# No inline script: the page's CSP (app/response_headers.py) allows scripts from this origin only.
_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Levelith search service - API</title>
<link rel="stylesheet" href="{_ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{_ASSETS}/swagger-ui-bundle.js"></script>
<script src="{DOCS_PATH}/init.js"></script>
</body>
</html>
""".encode()


@get(DOCS_PATH, include_in_schema=False, cache=False)
async def api_docs_page() -> Response[bytes]:
    return Response(_PAGE, media_type=MediaType.HTML)


_INIT = (API_DOCS_DIR / "init.js").read_bytes()


@get(f"{DOCS_PATH}/init.js", include_in_schema=False, cache=False)
async def api_docs_init() -> Response[bytes]:
    return Response(_INIT, media_type="text/javascript")


api_docs_assets = create_static_files_router(
    path=_ASSETS,
    directories=[Path(swagger_ui_bundle.swagger_ui_path)],
    include_in_schema=False,
    name="api_docs_assets",
)

API_DOCS_HANDLERS = [api_docs_page, api_docs_init, api_docs_assets]
