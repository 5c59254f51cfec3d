"""The OpenSearch API specification (read once from ../shared), Lucene, and the test engine."""

from __future__ import annotations

import pytest

from tests.conftest import shared_dir
from tests.contract.lucene import Lucene
from tests.contract.lucene import missing as lucene_missing
from tests.contract.openapi import SPEC_FILE, ApiContract

# The emulator fixtures of tests/search_core (one definition; this directory gets its own server).
from tests.search_core.conftest import os_client, search_engine  # noqa: F401


@pytest.fixture(scope="session")
def api_contract() -> ApiContract:
    directory = shared_dir() / "opensearch-api"
    if not (directory / SPEC_FILE).is_file():
        pytest.skip(
            f"no OpenSearch API specification at {directory / SPEC_FILE} "
            "(../shared/opensearch-api beside the repository, or LEVELITH_SHARED_DIR)"
        )
    return ApiContract.load(directory)


@pytest.fixture(scope="session")
def lucene(tmp_path_factory: pytest.TempPathFactory) -> Lucene:
    reason = lucene_missing()
    if reason is not None:
        pytest.skip(f"Lucene oracle: {reason}")
    return Lucene.compile(tmp_path_factory.mktemp("lucene"))
