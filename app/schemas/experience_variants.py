"""The nine shapes of an experience body in the OpenAPI document, one per experience type.

The API checks `type_specific_data` against the schema of the body's `experience_type`
(app/experiences/type_data.py), so to a client the body is a tagged union: `experience_type`
picks the schema of `type_specific_data`. The variants are built from ExperienceCreate's own
fields and the TYPE_DATA structs, so the document cannot drift from what the API checks; the
plugin documents ExperienceCreate as `oneOf` the variants with `experience_type` as discriminator.
"""

from __future__ import annotations

import typing
from typing import Any

import msgspec
from litestar.openapi.spec import Discriminator, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from app.experiences.type_data import TYPE_DATA, TypeData
from app.experiences.types import ExperienceType
from app.schemas.experiences import ExperienceCreate
from app.schemas.msgspec_openapi import struct_schema

TAG_FIELD = "experience_type"
DATA_FIELD = "type_specific_data"


def _variant(experience_type: ExperienceType) -> type[msgspec.Struct]:
    hints = typing.get_type_hints(ExperienceCreate, include_extras=True)
    fields: list[Any] = []
    for info in msgspec.structs.fields(ExperienceCreate):
        if info.name in (TAG_FIELD, DATA_FIELD):
            continue
        if info.default_factory is not msgspec.NODEFAULT:
            fields.append((info.name, hints[info.name], msgspec.field(default_factory=info.default_factory)))
        elif info.default is not msgspec.NODEFAULT:
            fields.append((info.name, hints[info.name], info.default))
        else:
            fields.append((info.name, hints[info.name]))
    data = TYPE_DATA[experience_type]
    fields.append((DATA_FIELD, data, msgspec.field(default_factory=data)))
    return msgspec.defstruct(
        "".join(word.title() for word in experience_type.value.split("_")) + "Experience",
        fields,
        kw_only=True,
        forbid_unknown_fields=True,
        tag_field=TAG_FIELD,
        tag=experience_type.value,
        module=__name__,
    )


EXPERIENCE_VARIANTS: dict[ExperienceType, type[msgspec.Struct]] = {t: _variant(t) for t in ExperienceType}


class TypeDataSchemaPlugin(OpenAPISchemaPlugin):
    """Each type's `type_specific_data` schema, with every limit msgspec checks."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return field_definition.is_subclass_of(TypeData)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        # Registered as a component (like Litestar's own struct schemas) and filled in place.
        schema = schema_creator.schema_registry.get_schema_for_field_definition(field_definition)
        for name, value in vars(struct_schema(field_definition.type_)).items():
            setattr(schema, name, value)
        return schema


class ExperienceCreateSchemaPlugin(OpenAPISchemaPlugin):
    """ExperienceCreate in the document: one of the nine variants, chosen by experience_type."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return field_definition.annotation is ExperienceCreate

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        variants = [
            schema_creator.for_field_definition(FieldDefinition.from_annotation(variant))
            for variant in EXPERIENCE_VARIANTS.values()
        ]
        return Schema(
            one_of=variants,
            discriminator=Discriminator(
                property_name=TAG_FIELD,
                # Component names are the variants' class names (unique in this app).
                mapping={
                    t.value: f"#/components/schemas/{variant.__name__}"
                    for t, variant in EXPERIENCE_VARIANTS.items()
                },
            ),
            description=(
                "An experience. `experience_type` decides the category and the fields of "
                "`type_specific_data` (one schema per type; all its fields are optional, unknown ones "
                "are refused)."
            ),
        )


EXPERIENCE_SCHEMA_PLUGINS = [TypeDataSchemaPlugin(), ExperienceCreateSchemaPlugin()]
