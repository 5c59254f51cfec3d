"""A struct's OpenAPI schema as msgspec itself describes it.

Litestar's own struct schemas drop some constraints (a lower bound of 0, `gt`, the length limits
of list items, `additionalProperties: false` for `forbid_unknown_fields`); msgspec's JSON Schema is
exact, since msgspec is what validates. This turns that JSON Schema into Litestar's spec objects.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Reference, Schema

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_RENAMED = {"not": "not_", "$defs": None, "$ref": None}


def _attribute(key: str) -> str:
    return _RENAMED.get(key) or _CAMEL.sub("_", key).lower()


def schema_from_json_schema(node: dict[str, Any]) -> Schema | Reference:
    """One JSON Schema object (no `$ref`s to definitions outside it) as a Litestar Schema."""
    if "$ref" in node:
        return Reference(ref=node["$ref"].replace("#/$defs/", "#/components/schemas/"))
    values: dict[str, Any] = {}
    for key, value in node.items():
        name = _attribute(key)
        if key in ("anyOf", "oneOf", "allOf"):
            values[name] = [schema_from_json_schema(item) for item in value]
        elif key == "items" or key == "not" or (key == "additionalProperties" and isinstance(value, dict)):
            values[name] = schema_from_json_schema(value)
        elif key == "properties":
            values[name] = {prop: schema_from_json_schema(item) for prop, item in value.items()}
        elif key == "type":
            values[name] = [OpenAPIType(v) for v in value] if isinstance(value, list) else OpenAPIType(value)
        elif key == "format":
            values[name] = OpenAPIFormat(value)
        else:
            values[name] = value
    return Schema(**values)


def struct_schema(struct: type[msgspec.Struct]) -> Schema:
    """The schema of a struct whose fields are plain values (no nested structs)."""
    document = msgspec.json.schema(struct)
    definitions = document.get("$defs", {})
    if len(definitions) != 1:
        raise ValueError(f"{struct.__name__} refers to other structs: {sorted(definitions)}")
    schema = schema_from_json_schema(definitions[struct.__name__])
    assert isinstance(schema, Schema)
    return schema
