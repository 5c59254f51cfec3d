"""Indexer tests (indexer/): real PostgreSQL and a real engine, the worker run in-process.

Every test has its own database and index prefix (tests/conftest.py, which also provides the
`sessions`, `search` and `worker` fixtures); tests/support/indexes.py reads what PostgreSQL says
each index should hold and what the index actually holds.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def template_database(titles_only_template_database: str) -> str:
    # These tests rebuild the NAICS index many times; the catalogue's titles are all they need.
    return titles_only_template_database
