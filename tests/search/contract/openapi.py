"""Requests checked against OpenSearch's own OpenAPI description, made strict.

As published, the specification's objects are open: an unknown key passes, so a misspelt query
option would too. Here every object that lists its properties is closed with
``unevaluatedProperties: false``, placed where a value is described (a request body, a property,
an array item) and never inside ``allOf``/``anyOf``/``oneOf`` branches or ``$ref`` targets, so a
composed schema (bulk's index action is its base schema plus its own fields) is closed once,
over the keys of all its parts. ``oneOf`` is read as ``anyOf``: a few published ``oneOf``s
overlap (``{"_score": {"order": "desc"}}`` matches two sort branches), which the server's parser
does not mind.

What the specification does not say but the server enforces on bulk action lines
(``IndexRequest.validate``/``DeleteRequest.validate`` in OpenSearch) is added as rules of its own.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema_rs

from tests.search.contract.recording import Request

SPEC_FILE = "opensearch-openapi-2.19.json"

_SCHEMA_REF = "#/components/schemas/"
_IN_PLACE = ("allOf", "anyOf", "oneOf")
_VALUE_MAPS = ("properties", "patternProperties", "dependentSchemas")
_VALUE_ONE = ("additionalProperties", "items", "contains", "propertyNames", "unevaluatedItems")
# What a bulk action line may name; the line after index/create/update is the document.
# Published open, read closed: OpenSearch refuses an index setting it does not know ("unknown
# setting [index.number_of_shard]"), and the settings of the bundled plugins are listed anyway.
READ_CLOSED: tuple[str, ...] = ("indices._common___IndexSettings",)
_BULK_OPERATIONS = ("index", "create", "update", "delete")
_WITH_SOURCE = ("index", "create", "update")


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class _Strict:
    """Rewrites the specification's schemas into their strict reading."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self.schemas = schemas
        self._lists: dict[str, bool] = {}

    def _lists_properties(self, node: Any, seen: frozenset[str] = frozenset()) -> bool:
        if not isinstance(node, dict):
            return False
        if node.get("properties"):
            return True
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF) and ref not in seen:
            if ref not in self._lists:
                self._lists[ref] = self._lists_properties(self.schemas[ref[len(_SCHEMA_REF) :]], seen | {ref})
            if self._lists[ref]:
                return True
        return any(self._lists_properties(branch, seen) for key in _IN_PLACE for branch in node.get(key, ()))

    def rewrite(self, node: Any, *, value: bool) -> Any:
        """value: the node describes a whole value (closed here), not one branch of one."""
        if isinstance(node, list):
            return [self.rewrite(item, value=value) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, sub in node.items():
            if key in _IN_PLACE:
                out.setdefault("anyOf" if key == "oneOf" else key, []).extend(
                    self.rewrite(branch, value=False) for branch in sub
                )
            elif key in ("not", "if", "then", "else"):
                out[key] = self.rewrite(sub, value=False)
            elif key in _VALUE_MAPS and isinstance(sub, dict):
                out[key] = {name: self.rewrite(s, value=True) for name, s in sub.items()}
            elif key in _VALUE_ONE or key == "prefixItems":
                out[key] = self.rewrite(sub, value=True)
            else:
                out[key] = sub
        open_already = any(k in node for k in ("additionalProperties", "unevaluatedProperties"))
        if value and not open_already and self._lists_properties(node):
            out["unevaluatedProperties"] = False
        return out


@dataclass(frozen=True)
class Operation:
    id: str  # the specification's operation group, e.g. "search", "indices.create"
    method: str
    template: str
    query_parameters: dict[str, Any]  # name -> schema
    body: dict[str, str]  # content type -> pointer of its schema


class ApiContract:
    """The specification, strict, with a validator per request-body schema compiled on first use."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        components = spec["components"]
        schemas = dict(components["schemas"])
        for name in READ_CLOSED:
            schemas[name] = {k: v for k, v in schemas[name].items() if k != "additionalProperties"}
        self._strict = strict = _Strict(schemas)
        self._document: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": {
                "schemas": {n: strict.rewrite(s, value=False) for n, s in schemas.items()},
                "requestBodies": {
                    name: {
                        "content": {
                            ctype: {"schema": strict.rewrite(c["schema"], value=True)}
                            for ctype, c in body.get("content", {}).items()
                        }
                    }
                    for name, body in components["requestBodies"].items()
                },
                "parameterSchemas": {
                    name: strict.rewrite(p.get("schema", {}), value=True)
                    for name, p in components["parameters"].items()
                },
            },
        }
        self._operations = list(self._read_operations(spec))
        self._validators: dict[str, jsonschema_rs.Validator] = {}

    @classmethod
    def load(cls, directory: Path) -> ApiContract:
        return cls(json.loads((directory / SPEC_FILE).read_text(encoding="utf-8")))

    @staticmethod
    def _read_operations(spec: Mapping[str, Any]) -> Iterator[Operation]:
        components = spec["components"]
        for template, item in spec["paths"].items():
            for method, op in item.items():
                if method not in ("get", "put", "post", "delete", "head"):
                    continue
                query: dict[str, Any] = {}
                for ref in op.get("parameters", []):
                    name = ref["$ref"].rsplit("/", 1)[1]
                    param = components["parameters"][name]
                    if param["in"] == "query":
                        query[param["name"]] = _pointer("components", "parameterSchemas", name)
                body: dict[str, str] = {}
                if "requestBody" in op:
                    name = op["requestBody"]["$ref"].rsplit("/", 1)[1]
                    for ctype in components["requestBodies"][name].get("content", {}):
                        body[ctype] = _pointer(
                            "components", "requestBodies", name, "content", ctype, "schema"
                        )
                yield Operation(op["x-operation-group"], method.upper(), template, query, body)

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern[str], Operation]]:
        routes = []
        for op in self._operations:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.template))
            routes.append((re.compile(f"^{pattern}$"), op))
        # The most literal template wins: /_alias/{name} before /{index}/{id}.
        routes.sort(key=lambda r: -r[1].template.count("/") + r[1].template.count("{"))
        return routes

    def operation(self, method: str, path: str) -> Operation | None:
        for pattern, op in self._routes:
            if op.method == method and pattern.match(path):
                return op
        return None

    def validator(self, pointer: str) -> jsonschema_rs.Validator:
        if pointer not in self._validators:
            # The schema at the pointer describes a whole value: closed like any other.
            root = self._strict.rewrite({"$ref": pointer}, value=True)
            self._validators[pointer] = jsonschema_rs.Draft202012Validator({**self._document, **root})
        return self._validators[pointer]

    def schema_problems(self, pointer: str, instance: Any, where: str) -> list[str]:
        """The deepest errors: where the instance went wrong, not every enclosing anyOf that failed."""
        leaves = [leaf for error in self.validator(pointer).iter_errors(instance) for leaf in _leaves(error)]
        deepest = max((len(leaf.instance_path) for leaf in leaves), default=0)
        found: dict[str, None] = {}
        for leaf in leaves:
            if len(leaf.instance_path) == deepest:
                path = "".join(f"/{p}" for p in leaf.instance_path)
                found.setdefault(f"{where}{path}: {leaf.message[:300]}")
        return list(found)

    def problems(self, request: Request) -> list[str]:
        """Everything OpenSearch 2.19 would refuse in this request; empty when it is fine."""
        op = self.operation(request.method, request.path)
        if op is None:
            return [f"{request.describe()}: no such operation in the specification"]
        found = [*self._parameter_problems(op, request)]
        if request.body is None:
            return found
        if not op.body:
            return [*found, f"{op.id}: the operation takes no body"]
        if "application/x-ndjson" in op.body:
            return [*found, *self._bulk_problems(request)]
        body = request.json()
        found += self.schema_problems(op.body["application/json"], body, op.id)
        if op.id == "search" and isinstance(body, dict) and isinstance(body.get("query"), dict):
            found += search_rules(body["query"])
        return found

    def _parameter_problems(self, op: Operation, request: Request) -> Iterator[str]:
        for name, raw in request.params.items():
            pointer = op.query_parameters.get(name)
            if pointer is None:
                yield f"{op.id}: unknown query parameter {name!r}"
                continue
            # A query string carries text; the schema may type it as a boolean, a number or a list.
            readings: list[Any] = [raw, raw.split(",")]
            with contextlib.suppress(ValueError):
                readings.append(json.loads(raw))
            if not any(self.validator(pointer).is_valid(reading) for reading in readings):
                yield f"{op.id}: query parameter {name}={raw!r} is not valid"

    def _bulk_problems(self, request: Request) -> Iterator[str]:
        # The published bulk body accepts any object per line: each action line is checked on
        # its own against the action schema, each document line is an object.
        lines = request.lines()
        index_in_path = request.path != "/_bulk"
        container = _pointer("components", "schemas", "_core.bulk___OperationContainer")
        i = 0
        while i < len(lines):
            line = lines[i]
            where = f"bulk line {i + 1}"
            yield from self.schema_problems(container, line, where)
            op = next(iter(line), None) if isinstance(line, dict) and len(line) == 1 else None
            if op not in _BULK_OPERATIONS:
                yield f"{where}: not an action line"
                i += 1
                continue
            yield from (f"{where}: {p}" for p in bulk_action_rules(op, line[op], index_in_path=index_in_path))
            if op in _WITH_SOURCE:
                i += 1
                if i >= len(lines) or not isinstance(lines[i], dict):
                    yield f"{where}: {op} without a document line after it"
            i += 1


def _leaves(error: jsonschema_rs.ValidationError) -> Iterator[jsonschema_rs.ValidationError]:
    # An anyOf that failed carries each branch's errors; the branch that got deepest into the
    # instance is the one that was meant.
    branches = getattr(error.kind, "context", None)
    if not branches:
        yield error
        return
    for branch in branches:
        for sub in branch:
            yield from _leaves(sub)


# indices.query.bool.max_clause_count: Lucene 9 counts the leaf clauses of the whole query.
MAX_CLAUSES = 1024
_CONTAINERS = {"bool": ("must", "should", "filter", "must_not"), "dis_max": ("queries",),
               "constant_score": ("filter",), "boosting": ("positive", "negative")}  # fmt: skip


def leaf_clauses(query: Mapping[str, Any]) -> int:
    """How many leaf queries a query DSL object becomes, at least (a match counts its words)."""
    total = 0
    for kind, spec in query.items():
        if kind in _CONTAINERS:
            for key in _CONTAINERS[kind]:
                parts = spec.get(key, [])
                for part in parts if isinstance(parts, list) else [parts]:
                    total += leaf_clauses(part)
        elif kind == "multi_match":
            total += len(spec.get("fields", [])) * max(1, len(str(spec.get("query", "")).split()))
        elif kind in ("match", "match_phrase", "match_bool_prefix"):
            value = next(iter(spec.values()), "")
            text = value.get("query", "") if isinstance(value, dict) else value
            total += max(1, len(str(text).split()))
        else:
            total += 1
    return total


def search_rules(query: Mapping[str, Any]) -> list[str]:
    """The server's limits on a search query that the schema cannot express."""
    clauses = leaf_clauses(query)
    if clauses > MAX_CLAUSES:
        return [
            f"search/query: too_many_clauses ({clauses} > indices.query.bool.max_clause_count {MAX_CLAUSES})"
        ]
    return []


def bulk_action_rules(op: str, meta: Mapping[str, Any], *, index_in_path: bool) -> list[str]:
    """The server's own checks of an action line, which the schema cannot express."""
    found = []
    if not index_in_path and not meta.get("_index"):
        found.append("index is missing")  # BulkRequest: no index in the URL or the line
    if op == "delete" and not meta.get("_id"):
        found.append("id is missing")  # DeleteRequest.validate
    versioned = "version" in meta or meta.get("version_type", "internal") != "internal"
    if op in ("index", "create") and versioned and not meta.get("_id"):
        found.append("an id must be provided if version type or value are set")  # IndexRequest.validate
    if meta.get("version_type") in ("external", "external_gte") and "version" not in meta:
        found.append("illegal version value for an external version type")  # VersionType.EXTERNAL
    return found
