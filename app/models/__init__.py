"""ORM models. Importing this package registers every table on Base.metadata."""

from app.models.experience import (
    CertificateExperience,
    CourseExperience,
    DegreeExperience,
    Experience,
    FullTimeExperience,
    GigExperience,
    HardSkillExperience,
    NativeSkillExperience,
    PartTimeExperience,
    SoftSkillExperience,
)
from app.models.naics import NaicsCode
from app.models.outbox import SearchOutbox
from app.models.search_insight import SearchInsightDay
from app.models.user import User, UserRole

__all__ = [
    "CertificateExperience",
    "CourseExperience",
    "DegreeExperience",
    "Experience",
    "FullTimeExperience",
    "GigExperience",
    "HardSkillExperience",
    "NaicsCode",
    "NativeSkillExperience",
    "PartTimeExperience",
    "SearchInsightDay",
    "SearchOutbox",
    "SoftSkillExperience",
    "User",
    "UserRole",
]
