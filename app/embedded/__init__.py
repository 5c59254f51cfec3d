"""Embedded engines for the zero-configuration default (no DATABASE_URL / OPENSEARCH_URL)."""
