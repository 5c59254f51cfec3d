"""JSON Resume export and import (all or nothing), mapped onto profile_data and experiences.

Mapping (JSON Resume <-> Levelith):
  basics.summary/url/image/location.address <-> profile_data bio/website/avatar_url/location;
  basics.profiles (GitHub, LinkedIn, Twitter/X) <-> profile_data.social;
  work (gig, part_time, full_time) name/position/location/summary/url/highlights <->
    organization/title/location/description/metadata.url/responsibilities (full_time) or
    metadata.highlights;
  education (degree, course) institution/area/studyType/score/courses <->
    organization/major (degree) or title (course)/degree_level/gpa[/scale] or grade/metadata;
  certificates name/date/issuer/url <-> title/start_date/certifying_body/metadata.url;
  skills (hard_skill, soft_skill, other native skills) name/level/keywords <->
    title/proficiency_level|skill_level|proficiency/tools|contexts;
  languages language/fluency <-> native_skill with skill_type "language".
Dates: JSON Resume's YYYY, YYYY-MM and YYYY-MM-DD are read as the first day they name; an
entry with a start and no end date is current.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from app.experiences.types import UNCLASSIFIED_NAICS_CODE, ExperienceType
from app.models import Experience, User
from app.repositories.experiences import ExperienceRepository
from app.repositories.users import UserRepository
from app.schemas import resume as jr
from app.schemas.experiences import ExperienceCreate
from app.schemas.profile import validated_profile_data
from app.services.experiences import ExperienceQuota, ExperienceService
from app.services.visibility import visible_account
from app.validation import FieldError, field_error_from_msgspec

T = ExperienceType
WORK_TYPES = (T.FULL_TIME, T.PART_TIME, T.GIG)
EDUCATION_TYPES = (T.DEGREE, T.COURSE)
SKILL_TYPES = (T.HARD_SKILL, T.SOFT_SKILL, T.NATIVE_SKILL)
MAX_ENTRIES = 500

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_SCORE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?))?\s*$")
_SOCIAL_NETWORKS = {"github": "github", "linkedin": "linkedin", "twitter": "twitter", "x": "twitter"}


# ----------------------------------------------------------------------------- export


def _iso(value: Any) -> str | None:
    return value.date().isoformat() if value else None


def _extension(experience: Experience, default: ExperienceType) -> jr.LevelithExtension | None:
    experience_type = T(experience.experience_type)
    naics = experience.naics_code if experience.naics_code != UNCLASSIFIED_NAICS_CODE else None
    if experience_type == default and naics is None and not experience.tags:
        return None
    return jr.LevelithExtension(
        experience_type=None if experience_type == default else experience_type,
        naics_code=naics,
        tags=list(experience.tags),
    )


def _end(experience: Experience) -> str | None:
    return None if experience.is_current else _iso(experience.end_date)


def _score(data: dict[str, Any], metadata: dict[str, Any]) -> str | None:
    if data.get("gpa") is None:
        return metadata.get("score")
    scale = data.get("gpa_scale")
    return f"{data['gpa']:g}" + (f"/{scale:g}" if scale else "")


def export_work(e: Experience) -> jr.Work:
    data, meta = e.type_specific_data, e.experience_metadata
    highlights = data.get("responsibilities") if e.experience_type == T.FULL_TIME else meta.get("highlights")
    return jr.Work(
        name=e.organization,
        position=e.title,
        location=e.location,
        url=meta.get("url"),
        startDate=_iso(e.start_date),
        endDate=_end(e),
        summary=e.description,
        highlights=list(highlights or []),
        levelith=_extension(e, T.FULL_TIME),
    )


def export_education(e: Experience) -> jr.Education:
    data, meta = e.type_specific_data, e.experience_metadata
    if e.experience_type == T.COURSE:
        return jr.Education(
            institution=e.organization,
            url=meta.get("url"),
            area=e.title,
            startDate=_iso(e.start_date),
            endDate=_end(e),
            score=data.get("grade"),
            courses=[data["course_code"]] if data.get("course_code") else [],
            levelith=_extension(e, T.DEGREE),
        )
    return jr.Education(
        institution=e.organization,
        url=meta.get("url"),
        area=data.get("major"),
        studyType=data.get("degree_level"),
        startDate=_iso(e.start_date),
        endDate=_end(e),
        score=_score(data, meta),
        courses=list(meta.get("courses") or []),
        levelith=_extension(e, T.DEGREE),
    )


def export_certificate(e: Experience) -> jr.Certificate:
    return jr.Certificate(
        name=e.title,
        date=_iso(e.start_date),
        issuer=e.type_specific_data.get("certifying_body") or e.organization,
        url=e.experience_metadata.get("url"),
        levelith=_extension(e, T.CERTIFICATE),
    )


def export_skill(e: Experience) -> jr.Skill:
    data = e.type_specific_data
    level = data.get("proficiency_level") or data.get("skill_level") or data.get("proficiency")
    keywords = data.get("tools") or data.get("contexts") or e.experience_metadata.get("keywords") or []
    return jr.Skill(name=e.title, level=level, keywords=list(keywords), levelith=_extension(e, T.HARD_SKILL))


def export_language(e: Experience) -> jr.Language:
    data = e.type_specific_data
    return jr.Language(
        language=data.get("language") or e.title,
        fluency=data.get("proficiency"),
        levelith=_extension(e, T.NATIVE_SKILL),
    )


def _is_language(e: Experience) -> bool:
    return e.experience_type == T.NATIVE_SKILL and e.type_specific_data.get("skill_type") == "language"


def _basics(user: User, with_email: bool) -> jr.Basics:
    profile = user.profile_data
    social = profile.get("social") or {}
    profiles = []
    if social.get("github"):
        handle = social["github"]
        profiles.append(jr.Profile(network="GitHub", username=handle, url=f"https://github.com/{handle}"))
    if social.get("linkedin"):
        profiles.append(jr.Profile(network="LinkedIn", url=social["linkedin"]))
    if social.get("twitter"):
        profiles.append(jr.Profile(network="Twitter", username=social["twitter"]))
    return jr.Basics(
        name=user.username,
        email=user.email if with_email else None,
        image=profile.get("avatar_url"),
        url=profile.get("website"),
        summary=profile.get("bio"),
        location=jr.Location(address=profile["location"]) if profile.get("location") else None,
        profiles=profiles,
    )


def _ordered(entries: list[Any], start: Callable[[Any], str | None]) -> list[Any]:
    # Newest first; equal dates by content, so the same experiences always export alike.
    def key(entry: Any) -> tuple[str, str]:
        return (start(entry) or "", json.dumps(msgspec.to_builtins(entry), sort_keys=True))

    return sorted(entries, key=key, reverse=True)


def build_resume(user: User, experiences: list[Experience], *, with_email: bool) -> jr.Resume:
    work, education, certificates, skills, languages = [], [], [], [], []
    for e in experiences:
        kind = T(e.experience_type)
        if kind in WORK_TYPES:
            work.append(export_work(e))
        elif kind in EDUCATION_TYPES:
            education.append(export_education(e))
        elif kind == T.CERTIFICATE:
            certificates.append(export_certificate(e))
        elif _is_language(e):
            languages.append(export_language(e))
        else:
            skills.append(export_skill(e))
    return jr.Resume(
        basics=_basics(user, with_email),
        work=_ordered(work, lambda w: w.startDate),
        education=_ordered(education, lambda w: w.startDate),
        certificates=_ordered(certificates, lambda c: c.date),
        skills=_ordered(skills, lambda s: None),
        languages=_ordered(languages, lambda s: None),
    )


# ----------------------------------------------------------------------------- import


def parse_date(raw: str | None, field: str) -> date | None:
    if raw is None or not raw.strip():
        return None
    match = _DATE.match(raw.strip())
    try:
        if not match:
            raise ValueError(raw)
        year, month, day = match.groups()
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise FieldError(field, "must be a date as YYYY, YYYY-MM or YYYY-MM-DD") from None


def _type_of(ext: jr.LevelithExtension | None, allowed: tuple[ExperienceType, ...]) -> ExperienceType:
    wanted = ext.experience_type if ext and ext.experience_type else allowed[0]
    if wanted not in allowed:
        raise FieldError("levelith.experience_type", f"must be one of {', '.join(t.value for t in allowed)}")
    return wanted


def _common(ext: jr.LevelithExtension | None) -> dict[str, Any]:
    if ext is None:
        return {}
    return {"naics_code": ext.naics_code, "tags": list(ext.tags)}


def _dates(start_raw: str | None, end_raw: str | None) -> dict[str, Any]:
    start = parse_date(start_raw, "startDate")
    end = parse_date(end_raw, "endDate")
    return {"start_date": start, "end_date": end, "is_current": start is not None and end is None}


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], {})}


def _entry(
    kind: ExperienceType,
    title: str,
    ext: jr.LevelithExtension | None,
    data: dict[str, Any],
    metadata: dict[str, Any] | None = None,
    **columns: Any,
) -> dict[str, Any]:
    """The experience fields of one imported entry; empty values are left out of its objects."""
    return {
        "experience_type": kind,
        "title": title,
        **columns,
        "type_specific_data": _compact(data),
        "experience_metadata": _compact(metadata or {}),
        **_common(ext),
    }


def import_work(w: jr.Work) -> dict[str, Any]:
    kind = _type_of(w.levelith, WORK_TYPES)
    data: dict[str, Any] = {}
    metadata: dict[str, Any] = {"url": w.url}
    if kind == T.FULL_TIME:
        data["responsibilities"] = w.highlights
    else:
        metadata["highlights"] = w.highlights
    return _entry(
        kind,
        w.position or w.name or "Work",
        w.levelith,
        data,
        metadata,
        organization=w.name,
        location=w.location,
        description=w.summary,
        **_dates(w.startDate, w.endDate),
    )


def import_education(ed: jr.Education) -> dict[str, Any]:
    kind = _type_of(ed.levelith, EDUCATION_TYPES)
    metadata: dict[str, Any] = {"url": ed.url}
    if kind == T.COURSE:
        data: dict[str, Any] = {"grade": ed.score, "course_code": ed.courses[0] if ed.courses else None}
        title = ed.area or ed.institution or "Course"
    else:
        data = {"degree_level": ed.studyType, "major": ed.area}
        score = _SCORE.match(ed.score or "")
        if score:
            data["gpa"] = float(score.group(1))
            data["gpa_scale"] = float(score.group(2)) if score.group(2) else None
        else:
            metadata["score"] = ed.score
        metadata["courses"] = ed.courses
        title = " in ".join(part for part in (ed.studyType, ed.area) if part) or ed.institution or "Degree"
    return _entry(
        kind,
        title,
        ed.levelith,
        data,
        metadata,
        organization=ed.institution,
        **_dates(ed.startDate, ed.endDate),
    )


def import_certificate(c: jr.Certificate) -> dict[str, Any]:
    kind = _type_of(c.levelith, (T.CERTIFICATE,))
    return _entry(
        kind,
        c.name or "Certificate",
        c.levelith,
        {"certifying_body": c.issuer},
        {"url": c.url},
        organization=c.issuer,
        start_date=parse_date(c.date, "date"),
    )


def import_skill(s: jr.Skill) -> dict[str, Any]:
    kind = _type_of(s.levelith, SKILL_TYPES)
    metadata: dict[str, Any] = {}
    if kind == T.HARD_SKILL:
        data: dict[str, Any] = {"proficiency_level": s.level, "tools": s.keywords}
    elif kind == T.SOFT_SKILL:
        data = {"skill_level": s.level, "contexts": s.keywords}
    else:
        data = {"proficiency": s.level}
        metadata["keywords"] = s.keywords
    return _entry(kind, s.name or "Skill", s.levelith, data, metadata)


def import_language(lang: jr.Language) -> dict[str, Any]:
    kind = _type_of(lang.levelith, (T.NATIVE_SKILL,))
    data = {"skill_type": "language", "language": lang.language, "proficiency": lang.fluency}
    return _entry(kind, lang.language or "Language", lang.levelith, data)


def profile_from_basics(basics: jr.Basics, current: dict[str, Any]) -> dict[str, Any]:
    location = basics.location
    place = None
    if location:
        place = location.address or ", ".join(
            part for part in (location.city, location.region, location.countryCode) if part
        )
    social: dict[str, str] = {}
    for profile in basics.profiles:
        network = _SOCIAL_NETWORKS.get((profile.network or "").strip().lower())
        value = profile.url if network == "linkedin" else profile.username
        if network and (value or profile.url):
            social[network] = value or profile.url or ""
    imported = _compact(
        {
            "bio": basics.summary,
            "location": place or None,
            "website": basics.url,
            "avatar_url": basics.image,
            "social": social,
        }
    )
    # What JSON Resume has no place for (preferences) is kept; the rest is the resume's.
    kept = {key: value for key, value in current.items() if key == "preferences"}
    try:
        return validated_profile_data({**kept, **imported})
    except FieldError as exc:
        raise FieldError("basics", exc.message) from None


SECTIONS: tuple[tuple[str, Callable[[Any], dict[str, Any]]], ...] = (
    ("work", import_work),
    ("education", import_education),
    ("certificates", import_certificate),
    ("skills", import_skill),
    ("languages", import_language),
)


class ResumeService:
    def __init__(self, session: AsyncSession, quota: ExperienceQuota | None = None) -> None:
        self.users = UserRepository(session)
        self.experience_repository = ExperienceRepository(session)
        self.experiences = ExperienceService(session, quota)

    async def export(self, username: str, viewer: User | None) -> jr.Resume:
        user = visible_account(await self.users.by_username(username), viewer)
        experiences = await self.experience_repository.all_of_user(user.id)
        return build_resume(user, experiences, with_email=viewer is not None and viewer.id == user.id)

    async def import_resume(self, user: User, raw: Any) -> jr.ImportResult:
        """Create one experience per entry, or none at all when any entry is refused."""
        try:
            resume = msgspec.convert(raw, jr.Resume)
        except msgspec.ValidationError as exc:
            raise field_error_from_msgspec(exc) from None
        profile_data = profile_from_basics(resume.basics, user.profile_data)
        entries = sum(len(getattr(resume, name)) for name, _ in SECTIONS)
        if entries > MAX_ENTRIES:
            raise FieldError("resume", f"at most {MAX_ENTRIES} entries per import")
        built: list[Experience] = []
        for section, convert in SECTIONS:
            for index, entry in enumerate(getattr(resume, section)):
                path = f"{section}[{index}]"
                try:
                    request = msgspec.convert(convert(entry), ExperienceCreate)
                    built.append(await self.experiences.build(user, request))
                except FieldError as exc:
                    raise exc.under(path) from None
                except msgspec.ValidationError as exc:
                    raise field_error_from_msgspec(exc, path) from None
        user.profile_data = profile_data
        await self.experiences.create_all(user, built)
        by_type: dict[str, int] = {}
        for experience in built:
            by_type[experience.experience_type] = by_type.get(experience.experience_type, 0) + 1
        return jr.ImportResult(created=len(built), by_type=by_type)
