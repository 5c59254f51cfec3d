"""The seed's nine type_specific_data schemas, as strict msgspec Structs.

Unknown fields are refused, numbers that cannot be negative have a lower bound, and the
rules that span fields (a GPA against its scale, an expiry after the issue date) live in
`check`. Every failure is a FieldError whose path starts at `type_specific_data`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec

from app.experiences.types import ExperienceType
from app.validation import FieldError, field_error_from_msgspec

PREFIX = "type_specific_data"
DEFAULT_GPA_SCALE = 4.0

Short = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Items = Annotated[list[Name], msgspec.Meta(max_length=50)]


class TypeData(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    def check(self, start_date: date | None) -> None:
        """Rules across fields; `start_date` is the experience's own start (or issue) date."""


class CertificateData(TypeData):
    """A certificate; the experience's start_date is the issue date."""

    certification_number: Short | None = None
    certifying_body: Name | None = None
    expiration_date: (
        Annotated[date, msgspec.Meta(description="not before the issue date (start_date)")] | None
    ) = None
    is_renewable: bool | None = None

    def check(self, start_date: date | None) -> None:
        if self.expiration_date and start_date and self.expiration_date < start_date:
            raise FieldError(f"{PREFIX}.expiration_date", "cannot be before the issue date (start_date)")


class DegreeData(TypeData):
    """A degree: level, subjects and grade point average."""

    degree_level: Short | None = None
    major: Name | None = None
    minor: Name | None = None
    gpa: (
        Annotated[
            float, msgspec.Meta(ge=0, description="grade point average, 0 to gpa_scale (4.0 when not given)")
        ]
        | None
    ) = None
    # Not in the seed's example: grading systems other than 4.0 (e.g. 10 or 20) name their scale.
    gpa_scale: (
        Annotated[
            float,
            msgspec.Meta(gt=0, le=100, description="the highest GPA of the grading system; 4.0 if absent"),
        ]
        | None
    ) = None
    honors: Items = msgspec.field(default_factory=list)

    def check(self, start_date: date | None) -> None:
        scale = self.gpa_scale or DEFAULT_GPA_SCALE
        if self.gpa is not None and self.gpa > scale:
            hint = "" if self.gpa_scale else " (give gpa_scale for another grading scale)"
            raise FieldError(f"{PREFIX}.gpa", f"must be between 0 and {scale:g}{hint}")


class CourseData(TypeData):
    """A course taken."""

    course_code: Short | None = None
    credits: Annotated[float, msgspec.Meta(ge=0, le=1000, description="credit hours (or units)")] | None = (
        None
    )
    grade: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    instructor: Name | None = None


class GigData(TypeData):
    """Freelance or contract work."""

    contract_type: Short | None = None
    hourly_rate: (
        Annotated[float, msgspec.Meta(ge=0, description="pay per hour, in the worker's currency")] | None
    ) = None
    total_hours: Annotated[float, msgspec.Meta(ge=0, description="hours worked in all")] | None = None


class PartTimeData(TypeData):
    """A part-time job."""

    hours_per_week: Annotated[float, msgspec.Meta(ge=0, le=168, description="hours per week")] | None = None
    employment_type: Short | None = None
    department: Name | None = None


class FullTimeData(TypeData):
    """A full-time job."""

    job_title: Name | None = None
    department: Name | None = None
    team_size: Annotated[int, msgspec.Meta(ge=0, description="people in the team (headcount)")] | None = None
    responsibilities: Items = msgspec.field(default_factory=list)


class SoftSkillData(TypeData):
    """A soft skill, with the situations it was used in."""

    skill_level: Short | None = None
    contexts: Items = msgspec.field(default_factory=list)


class HardSkillData(TypeData):
    """A technical skill and its tools."""

    proficiency_level: Short | None = None
    years_experience: Annotated[float, msgspec.Meta(ge=0, le=100, description="years of practice")] | None = (
        None
    )
    tools: Items = msgspec.field(default_factory=list)


class NativeSkillData(TypeData):
    """A skill from birth or upbringing, e.g. a language (skill_type "language")."""

    skill_type: Short | None = None
    language: Short | None = None
    proficiency: Short | None = None


TYPE_DATA: dict[ExperienceType, type[TypeData]] = {
    ExperienceType.CERTIFICATE: CertificateData,
    ExperienceType.DEGREE: DegreeData,
    ExperienceType.COURSE: CourseData,
    ExperienceType.GIG: GigData,
    ExperienceType.PART_TIME: PartTimeData,
    ExperienceType.FULL_TIME: FullTimeData,
    ExperienceType.SOFT_SKILL: SoftSkillData,
    ExperienceType.HARD_SKILL: HardSkillData,
    ExperienceType.NATIVE_SKILL: NativeSkillData,
}


def parse_type_data(experience_type: ExperienceType, raw: Any) -> TypeData:
    try:
        return msgspec.convert(raw, TYPE_DATA[experience_type])
    except msgspec.ValidationError as exc:
        raise field_error_from_msgspec(exc, PREFIX) from None


def validated_type_data(experience_type: ExperienceType, raw: Any, start_date: date | None) -> dict[str, Any]:
    """The stored (JSON) form of `raw` for this type, or a FieldError naming the field."""
    data = parse_type_data(experience_type, raw)
    data.check(start_date)
    stored = msgspec.to_builtins(data)
    assert isinstance(stored, dict)
    return stored
