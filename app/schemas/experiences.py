"""Bodies of the experience endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from app.experiences.types import ExperienceCategory, ExperienceType
from app.schemas.naics import NaicsSuggestion
from app.validation import NOT_BLANK_PATTERN

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=NOT_BLANK_PATTERN)]
Description = Annotated[str, msgspec.Meta(max_length=20_000)]
Place = Annotated[str, msgspec.Meta(max_length=255)]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=50, pattern=NOT_BLANK_PATTERN)]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=30, description="at most 30 tags of 1-50 characters")]
NaicsCodeInput = Annotated[
    str, msgspec.Meta(max_length=10, description="an active NAICS code; omitted or null: not classified")
]
TYPE_SPECIFIC_DESCRIPTION = (
    "the fields of the experience type's schema (CertificateData, DegreeData, CourseData, GigData, "
    "PartTimeData, FullTimeData, SoftSkillData, HardSkillData, NativeSkillData); all optional, "
    "unknown fields refused"
)


class ExperienceCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    experience_type: ExperienceType
    title: Title
    category: ExperienceCategory | None = None
    description: Description | None = None
    naics_code: NaicsCodeInput | None = None
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool = False
    organization: Place | None = None
    location: Place | None = None
    type_specific_data: Annotated[dict[str, Any], msgspec.Meta(description=TYPE_SPECIFIC_DESCRIPTION)] = (
        msgspec.field(default_factory=dict)
    )
    tags: Tags = msgspec.field(default_factory=list)
    experience_metadata: dict[str, Any] = msgspec.field(default_factory=dict)


class ExperienceUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields left out keep their value; type_specific_data, when given, replaces the object.

    The type cannot change (create a new experience instead): experience_type and category
    are accepted only when they repeat the current ones.
    """

    experience_type: ExperienceType | msgspec.UnsetType = msgspec.UNSET
    category: ExperienceCategory | msgspec.UnsetType = msgspec.UNSET
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType | None = msgspec.UNSET
    naics_code: NaicsCodeInput | msgspec.UnsetType | None = msgspec.UNSET
    start_date: date | msgspec.UnsetType | None = msgspec.UNSET
    end_date: date | msgspec.UnsetType | None = msgspec.UNSET
    is_current: bool | msgspec.UnsetType = msgspec.UNSET
    organization: Place | msgspec.UnsetType | None = msgspec.UNSET
    location: Place | msgspec.UnsetType | None = msgspec.UNSET
    type_specific_data: (
        Annotated[dict[str, Any], msgspec.Meta(description=TYPE_SPECIFIC_DESCRIPTION)] | msgspec.UnsetType
    ) = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    experience_metadata: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class NaicsLabel(msgspec.Struct):
    """The experience's industry; for the "not classified" code 123456 only `code` is set."""

    code: str
    classified: bool
    title: str | None = None
    sector: str | None = None
    sector_title: str | None = None


class ExperienceResponse(msgspec.Struct):
    id: str
    username: str
    experience_type: ExperienceType
    category: ExperienceCategory
    title: str
    description: str | None
    organization: str | None
    location: str | None
    start_date: date | None
    end_date: date | None
    is_current: bool
    naics_code: str
    naics: NaicsLabel
    type_specific_data: Annotated[dict[str, Any], msgspec.Meta(description=TYPE_SPECIFIC_DESCRIPTION)]
    tags: list[str]
    experience_metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    # Only in create and update responses of an experience without a (known) code: the codes
    # the classifier finds likeliest for its title, organization and description.
    naics_suggestions: list[NaicsSuggestion] | msgspec.UnsetType = msgspec.UNSET


class ExperiencePage(msgspec.Struct):
    items: list[ExperienceResponse]
    total: int
    limit: int
    offset: int
