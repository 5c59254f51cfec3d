"""Errors the catalogue rules raise; app/errors.py turns them into 422 and 404 answers."""

from __future__ import annotations


class CatalogueError(Exception):
    """Base of the catalogue's domain errors."""


class InvalidCatalogueInput(CatalogueError):
    """A parameter breaks a rule: ``field`` names it, ``rule`` is machine-readable."""

    def __init__(self, field: str, rule: str, detail: str) -> None:
        self.field = field
        self.rule = rule
        self.detail = detail
        super().__init__(detail)


class CodeNotFound(CatalogueError):
    def __init__(self, code: str, detail: str | None = None) -> None:
        self.code = code
        self.detail = detail or f"NAICS code '{code}' is not in the catalogue"
        super().__init__(self.detail)
