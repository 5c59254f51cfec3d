"""The OpenAPI document describes experience bodies and error answers as the API behaves."""

from __future__ import annotations

from typing import Any

import pytest

from app.experiences.types import ExperienceType
from tests.support.accounts import Client, sign_up
from tests.support.experience_bodies import NINE_EXPERIENCES

COMPONENTS = "#/components/schemas/"


@pytest.fixture
async def document(client: Client) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith(COMPONENTS), ref
    return document["components"]["schemas"][ref.removeprefix(COMPONENTS)]


def create_body(document: dict[str, Any]) -> dict[str, Any]:
    post = document["paths"]["/api/v1/experiences"]["post"]
    return post["requestBody"]["content"]["application/json"]["schema"]


def type_data_schema(document: dict[str, Any], experience_type: str) -> dict[str, Any]:
    variant = component(document, create_body(document)["discriminator"]["mapping"][experience_type])
    return component(document, variant["properties"]["type_specific_data"]["$ref"])


async def test_each_of_the_nine_types_has_its_schema_chosen_by_experience_type(
    document: dict[str, Any],
) -> None:
    body = create_body(document)
    mapping = body["discriminator"]["mapping"]
    assert body["discriminator"]["propertyName"] == "experience_type"
    assert set(mapping) == {t.value for t in ExperienceType} and len(mapping) == 9
    assert sorted(ref["$ref"] for ref in body["oneOf"]) == sorted(mapping.values())
    data_schemas = set()
    for experience_type, ref in mapping.items():
        variant = component(document, ref)
        assert variant["properties"]["experience_type"]["const"] == experience_type
        assert set(variant["required"]) == {"experience_type", "title"}
        data = type_data_schema(document, experience_type)
        data_schemas.add(data["title"])
        assert data["additionalProperties"] is False, "unknown fields are refused"
        assert data["required"] == [], "every type-specific field is optional"
        # The seed's example of each type uses only documented fields.
        assert set(NINE_EXPERIENCES[experience_type]["type_specific_data"]) <= set(data["properties"])
    assert len(data_schemas) == 9


def number_branch(prop: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in prop.get("anyOf", [prop]) if b.get("type") in ("number", "integer"))


async def test_limits_and_units_are_in_the_document(document: dict[str, Any]) -> None:
    hours = number_branch(type_data_schema(document, "part_time")["properties"]["hours_per_week"])
    assert (hours["minimum"], hours["maximum"], hours["description"]) == (0, 168, "hours per week")
    gpa = number_branch(type_data_schema(document, "degree")["properties"]["gpa"])
    assert gpa["minimum"] == 0 and "gpa_scale" in gpa["description"]
    scale = number_branch(type_data_schema(document, "degree")["properties"]["gpa_scale"])
    assert (scale["exclusiveMinimum"], scale["maximum"]) == (0, 100)
    rate = number_branch(type_data_schema(document, "gig")["properties"]["hourly_rate"])
    assert rate["minimum"] == 0 and "per hour" in rate["description"]
    honors = type_data_schema(document, "degree")["properties"]["honors"]
    assert (honors["maxItems"], honors["items"]["maxLength"]) == (50, 255)


async def test_documented_bounds_are_the_bounds_the_api_enforces(
    client: Client, document: dict[str, Any]
) -> None:
    ada = await sign_up(client, "ada")
    checked: set[str] = set()
    for experience_type in ExperienceType:
        for name, prop in type_data_schema(document, experience_type.value)["properties"].items():
            branch = next(
                (b for b in prop.get("anyOf", [prop]) if b.get("type") in ("number", "integer")), None
            )
            if branch is None:
                continue
            cases = []
            if "maximum" in branch:
                cases += [(branch["maximum"], True), (branch["maximum"] + 1, False)]
            if "minimum" in branch:
                cases += [(branch["minimum"], True), (branch["minimum"] - 1, False)]
            for value, accepted in cases:
                body = {
                    "experience_type": experience_type.value,
                    "title": f"{name} at {value}",
                    "type_specific_data": {name: value},
                }
                response = await client.post("/api/v1/experiences", json=body, headers=ada.auth)
                if accepted:
                    assert response.status_code == 201, (experience_type, name, response.text)
                else:
                    assert response.status_code == 422, (experience_type, name, response.text)
                    assert response.json()["field"] == f"type_specific_data.{name}"
                checked.add(name)
    assert {"credits", "gpa", "hours_per_week", "years_experience", "team_size", "hourly_rate"} <= checked


async def test_every_error_answer_is_documented_with_an_example(
    client: Client, document: dict[str, Any]
) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if (not status.startswith("4") and status != "503") or status == "400":
                    continue
                content = response["content"]["application/json"]
                if "examples" not in content:
                    # /ready's 503 is not an error body: its schema carries its example.
                    assert content["schema"]["examples"], (method, path, status)
                    continue
                for example in content["examples"].values():
                    assert example["value"]["status_code"] == int(status), (method, path, status)

    # The example of a refused GPA is what the API answers.
    responses = document["paths"]["/api/v1/experiences"]["post"]["responses"]
    (example,) = responses["422"]["content"]["application/json"]["examples"].values()
    ada = await sign_up(client, "ada")
    body = {"experience_type": "degree", "title": "BSc", "type_specific_data": {"gpa": 5}}
    answer = await client.post("/api/v1/experiences", json=body, headers=ada.auth)
    assert answer.status_code == 422

    # The same body, but for its request id (each answer has its own); the document leaves out nulls.
    def comparable(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if v is not None and k != "request_id"}

    assert comparable(answer.json()) == comparable(example["value"])
