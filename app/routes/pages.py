"""The two browser pages and their static assets (plain HTML, CSS and ES modules)."""

from __future__ import annotations

from functools import cache

from litestar import Response, get
from litestar.enums import MediaType
from litestar.static_files import create_static_files_router

from app.services.password_reset_mail import RESET_PAGE
from app.web import STATIC_DIR

# Their Content-Security-Policy and the other security headers: app/response_headers.py.


@cache
def _page(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


def _html(name: str) -> Response[bytes]:
    return Response(_page(name), media_type=MediaType.HTML)


@get("/", include_in_schema=False, cache=False)
async def industry_picker_page() -> Response[bytes]:
    return _html("index.html")


@get("/experiences", include_in_schema=False, cache=False)
async def experience_search_page() -> Response[bytes]:
    return _html("experiences.html")


@get(RESET_PAGE, include_in_schema=False, cache=False)
async def reset_password_page() -> Response[bytes]:
    return _html("reset-password.html")


static_assets = create_static_files_router(
    path="/static", directories=[STATIC_DIR], include_in_schema=False, name="static"
)

PAGE_HANDLERS = [industry_picker_page, experience_search_page, reset_password_page, static_assets]
