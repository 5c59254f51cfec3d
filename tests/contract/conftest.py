"""The OpenSearch API specification, read once per session from ../shared."""

from __future__ import annotations

import pytest

from tests.conftest import shared_dir
from tests.contract.openapi import SPEC_FILE, ApiContract


@pytest.fixture(scope="session")
def api_contract() -> ApiContract:
    directory = shared_dir() / "opensearch-api"
    if not (directory / SPEC_FILE).is_file():
        pytest.skip(
            f"no OpenSearch API specification at {directory / SPEC_FILE} "
            "(../shared/opensearch-api beside the repository, or LEVELITH_SHARED_DIR)"
        )
    return ApiContract.load(directory)
