"""The OpenSearch API specification (read once from ../shared) and Lucene.

The engine (`os_client`) is tests/search/conftest.py's osmem-server.
"""

from __future__ import annotations

import pytest

from tests.search.contract.lucene import Lucene
from tests.search.contract.lucene import missing as lucene_missing
from tests.search.contract.openapi import SPEC_FILE, ApiContract
from tests.support.paths import shared_dir


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
