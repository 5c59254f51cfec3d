"""The browser pages (industry picker, experience search): Jinja templates sharing one head
(templates/page.html), rendered once per process, and the static assets they load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
API_DOCS_DIR = Path(__file__).resolve().parent / "api_docs"


@cache
def _templates() -> Environment:
    # The block tags sit on lines of their own; trimmed, they leave no blank lines behind.
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def rendered_page(name: str) -> bytes:
    """The HTML of the page template `name`; pages depend on nothing per request."""
    return _templates().get_template(name).render().encode()
