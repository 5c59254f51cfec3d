"""Every request the service sends is one OpenSearch 2.19 accepts, by its own API specification."""

from __future__ import annotations

import pytest

from tests.search.contract.cases import CASES, Case, record
from tests.search.contract.openapi import ApiContract


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_request_matches_the_specification(api_contract: ApiContract, case: Case) -> None:
    recorder = await record(case)
    assert recorder.requests, f"{case.name} sent nothing"
    problems = [f"{r.describe()}: {p}" for r in recorder.requests for p in api_contract.problems(r)]
    assert problems == []


async def test_cases_cover_every_kind_of_request(api_contract: ApiContract) -> None:
    # Deleting cases must not quietly shrink what is checked.
    operations: set[str] = set()
    bulk_actions: set[str] = set()
    for case in CASES:
        for request in (await record(case)).requests:
            op = api_contract.operation(request.method, request.path)
            assert op is not None, request.describe()
            operations.add(op.id)
            if op.id == "bulk":
                bulk_actions |= {
                    action for line in request.lines() for action in line if action in ("index", "delete")
                }
    assert {
        "search",
        "indices.create",
        "indices.update_aliases",
        "indices.put_settings",
        "bulk",
    } <= operations
    assert bulk_actions == {"index", "delete"}


async def test_autocomplete_service_sends_the_cheap_probe_then_the_broad_one(
    api_contract: ApiContract,
) -> None:
    (case,) = [c for c in CASES if c.name == "naics autocomplete service: both probes"]
    searches = [r.json() for r in (await record(case)).requests if r.path.endswith("/_search")]
    assert len(searches) == 2
    # The broad probe adds the fuzzy tier's clauses; both bodies are checked above.
    assert "fuzzy" not in str(searches[0]) and "fuzzy" in str(searches[1])
