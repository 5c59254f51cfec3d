"""The parts of the JSON Resume schema (https://jsonresume.org/schema) this service maps.

Unknown JSON Resume sections and fields are accepted and ignored on import; each entry may
carry a `levelith` object that keeps what JSON Resume has no place for (the exact experience
type, its NAICS code and tags), so an export imports back into the same experiences.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.experiences.types import ExperienceType
from app.validation import SAFE_URL_PATTERN, SAFE_URL_RULE

Text = Annotated[str, msgspec.Meta(max_length=20_000)]
SafeUrl = Annotated[str, msgspec.Meta(max_length=2000, pattern=SAFE_URL_PATTERN, description=SAFE_URL_RULE)]


class Entry(msgspec.Struct, omit_defaults=True, kw_only=True):
    pass


class LevelithExtension(Entry, forbid_unknown_fields=True):
    experience_type: ExperienceType | None = None
    naics_code: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)


class Location(Entry):
    address: str | None = None
    postalCode: str | None = None
    city: str | None = None
    countryCode: str | None = None
    region: str | None = None


class Profile(Entry):
    network: str | None = None
    username: str | None = None
    url: SafeUrl | None = None


class Basics(Entry):
    name: str | None = None
    email: str | None = None
    image: SafeUrl | None = None
    url: SafeUrl | None = None
    summary: Text | None = None
    location: Location | None = None
    profiles: list[Profile] = msgspec.field(default_factory=list)


class Work(Entry):
    name: str | None = None
    position: str | None = None
    location: str | None = None
    url: SafeUrl | None = None
    startDate: str | None = None
    endDate: str | None = None
    summary: Text | None = None
    highlights: list[str] = msgspec.field(default_factory=list)
    levelith: LevelithExtension | None = None


class Education(Entry):
    institution: str | None = None
    url: SafeUrl | None = None
    area: str | None = None
    studyType: str | None = None
    startDate: str | None = None
    endDate: str | None = None
    score: str | None = None
    courses: list[str] = msgspec.field(default_factory=list)
    levelith: LevelithExtension | None = None


class Certificate(Entry):
    name: str | None = None
    date: str | None = None
    issuer: str | None = None
    url: SafeUrl | None = None
    levelith: LevelithExtension | None = None


class Skill(Entry):
    name: str | None = None
    level: str | None = None
    keywords: list[str] = msgspec.field(default_factory=list)
    levelith: LevelithExtension | None = None


class Language(Entry):
    language: str | None = None
    fluency: str | None = None
    levelith: LevelithExtension | None = None


class Resume(Entry):
    basics: Basics = msgspec.field(default_factory=Basics)
    work: list[Work] = msgspec.field(default_factory=list)
    education: list[Education] = msgspec.field(default_factory=list)
    certificates: list[Certificate] = msgspec.field(default_factory=list)
    skills: list[Skill] = msgspec.field(default_factory=list)
    languages: list[Language] = msgspec.field(default_factory=list)


class ImportResult(msgspec.Struct):
    created: int
    by_type: dict[str, int]
