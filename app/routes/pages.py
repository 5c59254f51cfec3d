"""The browser pages and their static assets (HTML from templates, CSS and ES modules).

A page is a template in app/web/templates (extending page.html, the shared head) plus the ES
module it names; adding one is one line in PAGES.
Pages a mailed link opens (e-mail verification; a password reset works the same way) use
token-page.js: the token is read in the browser and sent to the JSON API, so a mail scanner
that fetches the link changes nothing and each rule stays in its API route.
"""

from __future__ import annotations

from litestar import Response, get
from litestar.enums import MediaType
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router

from app.services.password_reset_mail import RESET_PAGE
from app.services.verification_mail import VERIFY_PAGE_PATH
from app.web import STATIC_DIR, rendered_page

# Path -> page template in app/web/templates. Their Content-Security-Policy and the other security
# headers: app/response_headers.py.
PAGES: dict[str, str] = {
    "/": "index.html",
    "/experiences": "experiences.html",
    VERIFY_PAGE_PATH: "verify-email.html",
    RESET_PAGE: "reset-password.html",
}


def _html(name: str) -> Response[bytes]:
    return Response(rendered_page(name), media_type=MediaType.HTML)


def _page_handler(path: str, name: str) -> HTTPRouteHandler:
    async def page() -> Response[bytes]:
        return _html(name)

    return get(path, include_in_schema=False, cache=False, name=f"page:{name}")(page)


static_assets = create_static_files_router(
    path="/static", directories=[STATIC_DIR], include_in_schema=False, name="static"
)

PAGE_HANDLERS = [*(_page_handler(path, name) for path, name in PAGES.items()), static_assets]
