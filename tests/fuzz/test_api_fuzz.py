"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis).

Every operation gets generated requests, valid and invalid; none may answer 5xx and every
response must match its documented schema. This is the bounded CI run; README gives the
longer command. The seed is fixed so a failure reproduces.
"""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.pytest import from_fixture

FUZZ_SEED = 20261125
MAX_EXAMPLES = 12


@pytest.fixture
def signed_in(app: Litestar) -> Iterator[dict[str, str]]:
    with TestClient(app=app) as client:
        client.post(
            "/api/v1/auth/register",
            json={"username": "fuzzer", "email": "fuzzer@example.com", "password": "correct horse battery"},
        )
        token = client.post(
            "/api/v1/auth/login", json={"username": "fuzzer", "password": "correct horse battery"}
        ).json()["access_token"]
        yield {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api_schema(app: Litestar) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


schema = from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)
@hypothesis.seed(FUZZ_SEED)
def test_no_server_errors_and_documented_responses(
    case: schemathesis.Case, signed_in: dict[str, str]
) -> None:
    case.call_and_validate(
        headers=signed_in,
        checks=[schemathesis.checks.not_a_server_error],
    )
