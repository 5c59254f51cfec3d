"""Mistakes planted in real requests are caught, so the contract check can never go quietly lax.

Each mistake spoils one recorded request of a case: the first object in its body (or in its
query parameters) that a predicate picks. What OpenSearch would answer is in the names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.search.contract.cases import CASES, record
from tests.search.contract.openapi import ApiContract
from tests.search.contract.recording import Request

Pick = Callable[[dict[str, Any]], bool]
Change = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Mistake:
    name: str
    case: str  # the case whose request is spoilt
    operation: str  # which of its requests: the specification's operation group
    pick: Pick  # the first object in the body (depth first) this is true for...
    change: Change  # ...is changed in place like this


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def has(*keys: str) -> Pick:
    return lambda obj: all(k in obj for k in keys)


def rename(old: str, new: str) -> Change:
    return lambda obj: obj.__setitem__(new, obj.pop(old))


def put(key: str, value: Any) -> Change:
    return lambda obj: obj.__setitem__(key, value)


def drop(path: str) -> Change:
    *parents, last = path.split(".")

    def change(obj: dict[str, Any]) -> None:
        for p in parents:
            obj = obj[p]
        del obj[last]

    return change


NAICS = "naics search: filters and facets"
BROAD = "naics autocomplete: broad tiers"
EXPERIENCES = "experience search: filters, one owner"
CREATE = "create index: experiences"
INDEXER = "indexer bulk: index and delete, external versions"

MISTAKES: list[Mistake] = [
    Mistake(
        "misspelt query type", EXPERIENCES, "search", has("multi_match"), rename("multi_match", "mulit_match")
    ),
    Mistake(
        "misspelt query option",
        EXPERIENCES,
        "search",
        has("zero_terms_query"),
        rename("zero_terms_query", "zero_term_query"),
    ),
    Mistake(
        "unknown enum value",
        EXPERIENCES,
        "search",
        has("zero_terms_query"),
        put("zero_terms_query", "everything"),
    ),
    Mistake("size as a string", NAICS, "search", has("size", "track_total_hits"), put("size", "20")),
    Mistake("boost as a word", NAICS, "search", has("boost", "filter"), put("boost", "high")),
    Mistake("fuzziness as a list", BROAD, "search", has("fuzziness"), put("fuzziness", [2])),
    Mistake("unknown aggregation option", NAICS, "search", has("field", "order"), put("sise", 50)),
    Mistake(
        "misspelt aggregation type",
        NAICS,
        "search",
        lambda o: "field" in o.get("terms", {}),
        rename("terms", "term"),
    ),
    Mistake("unknown sort option", NAICS, "search", has("order"), rename("order", "ordr")),
    Mistake("source excludes misspelt", NAICS, "search", has("excludes"), rename("excludes", "exclude")),
    Mistake(
        "terms query with one string",
        EXPERIENCES,
        "search",
        lambda o: isinstance(o.get("terms"), dict) and "sector" in o["terms"],
        lambda o: o["terms"].__setitem__("sector", "54"),
    ),
    Mistake(
        "more clauses than OpenSearch allows",
        NAICS,
        "search",
        has("dis_max"),
        lambda o: o["dis_max"]["queries"].extend({"term": {"code": str(i)}} for i in range(1100)),
    ),
    Mistake(
        "unknown mapping parameter",
        CREATE,
        "indices.create",
        has("ignore_above"),
        rename("ignore_above", "ignore_abov"),
    ),
    Mistake(
        "unknown field type",
        CREATE,
        "indices.create",
        lambda o: o.get("type") == "date",
        put("type", "datetime"),
    ),
    Mistake(
        "misspelt stop filter option",
        CREATE,
        "indices.create",
        has("stopwords"),
        rename("stopwords", "stopword"),
    ),
    Mistake("n-gram size as a word", CREATE, "indices.create", has("min_gram"), put("min_gram", "one")),
    Mistake(
        "unknown index setting",
        CREATE,
        "indices.create",
        has("number_of_shards"),
        rename("number_of_shards", "number_of_shard"),
    ),
    Mistake(
        "refresh interval as a number",
        "finish a build",
        "indices.put_settings",
        has("refresh_interval"),
        put("refresh_interval", 500),
    ),
    Mistake(
        "misspelt alias action", "swap the alias", "indices.update_aliases", has("add"), rename("add", "ad")
    ),
    Mistake(
        "unknown alias option",
        "swap the alias",
        "indices.update_aliases",
        has("alias", "index"),
        put("alais", "x"),
    ),
    Mistake("bulk delete without _id", INDEXER, "bulk", has("delete"), drop("delete._id")),
    Mistake("bulk versioned index without _id", INDEXER, "bulk", has("index"), drop("index._id")),
    Mistake("bulk line without _index", INDEXER, "bulk", has("index"), drop("index._index")),
    Mistake(
        "bulk external version without a version", INDEXER, "bulk", has("delete"), drop("delete.version")
    ),
    Mistake(
        "bulk version type misspelt", INDEXER, "bulk", has("version_type"), put("version_type", "externl")
    ),
    Mistake("bulk version as a string", INDEXER, "bulk", has("version"), put("version", "three")),
    Mistake("bulk unknown action", INDEXER, "bulk", has("index"), rename("index", "upsert")),
]

PARAMETER_MISTAKES: list[tuple[str, str, dict[str, str]]] = [
    ("unknown query parameter", INDEXER, {"requre_alias": "true"}),
    ("query parameter of the wrong type", INDEXER, {"require_alias": "yes"}),
]


async def _request(api_contract: ApiContract, case_name: str, operation: str) -> Request:
    (case,) = [c for c in CASES if c.name == case_name]
    for request in (await record(case)).requests:
        op = api_contract.operation(request.method, request.path)
        if op is not None and op.id == operation:
            assert api_contract.problems(request) == [], "the unspoilt request must pass"
            return request
    raise AssertionError(f"{case_name} sent no {operation} request")


def _spoil(request: Request, mistake: Mistake) -> Request:
    bulk = request.path.endswith("/_bulk")
    body = request.lines() if bulk else request.json()
    target = next((obj for obj in _objects(body) if mistake.pick(obj)), None)
    assert target is not None, f"{mistake.name}: nothing to spoil in {request.describe()}"
    mistake.change(target)
    raw = "".join(json.dumps(line) + "\n" for line in body) if bulk else json.dumps(body)
    return replace(request, body=raw.encode())


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
async def test_planted_mistake_is_caught(api_contract: ApiContract, mistake: Mistake) -> None:
    request = await _request(api_contract, mistake.case, mistake.operation)
    assert api_contract.problems(_spoil(request, mistake)) != []


@pytest.mark.parametrize(
    ("name", "case", "params"), PARAMETER_MISTAKES, ids=[m[0] for m in PARAMETER_MISTAKES]
)
async def test_planted_parameter_mistake_is_caught(
    api_contract: ApiContract, name: str, case: str, params: dict[str, str]
) -> None:
    request = await _request(api_contract, case, "bulk")
    assert api_contract.problems(replace(request, params={**request.params, **params})) != []


def test_overlapping_one_of_branches_are_not_a_mistake(api_contract: ApiContract) -> None:
    # {"_score": {"order": "desc"}} matches two branches of the published sort oneOf.
    request = Request(
        "POST", "/naics/_search", {}, json.dumps({"sort": [{"_score": {"order": "desc"}}]}).encode()
    )
    assert api_contract.problems(request) == []
