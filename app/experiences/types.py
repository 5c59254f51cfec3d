"""The nine experience types and the one category each belongs to (seed, section 3)."""

from __future__ import annotations

from enum import StrEnum


class ExperienceCategory(StrEnum):
    EDUCATION = "education"
    WORKPLACE = "workplace"
    SKILLS = "skills"


class ExperienceType(StrEnum):
    CERTIFICATE = "certificate"
    DEGREE = "degree"
    COURSE = "course"
    GIG = "gig"
    PART_TIME = "part_time"
    FULL_TIME = "full_time"
    SOFT_SKILL = "soft_skill"
    HARD_SKILL = "hard_skill"
    NATIVE_SKILL = "native_skill"


CATEGORY_OF_TYPE: dict[ExperienceType, ExperienceCategory] = {
    ExperienceType.CERTIFICATE: ExperienceCategory.EDUCATION,
    ExperienceType.DEGREE: ExperienceCategory.EDUCATION,
    ExperienceType.COURSE: ExperienceCategory.EDUCATION,
    ExperienceType.GIG: ExperienceCategory.WORKPLACE,
    ExperienceType.PART_TIME: ExperienceCategory.WORKPLACE,
    ExperienceType.FULL_TIME: ExperienceCategory.WORKPLACE,
    ExperienceType.SOFT_SKILL: ExperienceCategory.SKILLS,
    ExperienceType.HARD_SKILL: ExperienceCategory.SKILLS,
    ExperienceType.NATIVE_SKILL: ExperienceCategory.SKILLS,
}

# The seed's column default: an experience whose industry is not classified yet.
UNCLASSIFIED_NAICS_CODE = "123456"


def category_of(experience_type: str) -> ExperienceCategory:
    return CATEGORY_OF_TYPE[ExperienceType(experience_type)]
