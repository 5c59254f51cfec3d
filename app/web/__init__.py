"""The browser pages (industry picker, experience search): static files served by the app."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_DOCS_DIR = Path(__file__).resolve().parent / "api_docs"
