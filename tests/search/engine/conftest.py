"""The query builders and index definitions against the emulator directly (no app, no database).

One NAICS and one experiences index for the whole session, on tests/search/conftest.py's
osmem-server, filled with tests/support/search_documents.py's rows under one session-wide prefix.
"""

from __future__ import annotations

import uuid

import pytest
from opensearchpy import OpenSearch

from app.search.experience_query import build_experience_document
from app.search.naics_document import build_naics_document
from tests.support.search_documents import EXPERIENCE_ROWS, NAICS_ROWS, create_index


# Session-wide here only: the indexes below are built once and only read.
@pytest.fixture(scope="session")
def index_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}_"


@pytest.fixture(scope="session")
def naics_index(os_client: OpenSearch, index_prefix: str) -> str:
    return create_index(
        os_client, "naics", index_prefix, [build_naics_document(r) for r in NAICS_ROWS], "code"
    )


@pytest.fixture(scope="session")
def experiences_index(os_client: OpenSearch, index_prefix: str) -> str:
    docs = [build_experience_document(r) for r in EXPERIENCE_ROWS]
    return create_index(os_client, "experiences", index_prefix, docs, "id")
