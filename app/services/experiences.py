"""Experiences: the rules for creating, changing, showing and deleting them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.experiences.type_data import validated_type_data
from app.experiences.types import CATEGORY_OF_TYPE, UNCLASSIFIED_NAICS_CODE, ExperienceType
from app.limits import check_page
from app.models import Experience, User
from app.models.experience import EXPERIENCE_CLASSES
from app.naics.codes import InvalidNaicsCode, canonical_code
from app.repositories.experiences import ExperienceRepository
from app.repositories.naics_labels import NaicsLabelRepository
from app.repositories.users import UserRepository
from app.schemas.experiences import (
    ExperienceCreate,
    ExperiencePage,
    ExperienceResponse,
    ExperienceUpdate,
    NaicsLabel,
)
from app.schemas.from_row import from_row
from app.schemas.timestamps import utc
from app.services.errors import ForbiddenError, NotFoundError, QuotaExceededError
from app.services.visibility import may_see_account, visible_account
from app.validation import FieldError, check_url

MAX_METADATA_BYTES = 10_000


def _as_datetime(value: date | None) -> datetime | None:
    return datetime(value.year, value.month, value.day) if value else None


def _as_date(value: datetime | None) -> date | None:
    return value.date() if value else None


def check_dates(start: date | None, end: date | None, is_current: bool) -> None:
    if start and end and end < start:
        raise FieldError("end_date", "cannot be before start_date")
    if is_current and end:
        raise FieldError("is_current", "a current experience has no end_date")


def check_category(experience_type: ExperienceType, category: str | None) -> None:
    expected = CATEGORY_OF_TYPE[experience_type]
    if category is not None and category != expected:
        raise FieldError("category", f"{experience_type.value} belongs to category {expected.value}")


def check_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    check_url("experience_metadata.url", metadata.get("url"))
    if len(msgspec.json.encode(metadata)) > MAX_METADATA_BYTES:
        raise FieldError("experience_metadata", f"must encode to at most {MAX_METADATA_BYTES} bytes of JSON")
    return metadata


def may_change(experience: Experience, viewer: User) -> bool:
    return viewer.id == experience.user_id or viewer.is_admin


@dataclass(frozen=True)
class ExperienceQuota:
    """Experiences one account may hold (0 = no limit). Unverified accounts get fewer, so a
    throwaway sign-up cannot fill the index (EXPERIENCE_QUOTA_VERIFIED / _UNVERIFIED)."""

    verified: int = 0
    unverified: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> ExperienceQuota:
        return cls(settings.experience_quota_verified, settings.experience_quota_unverified)

    def limit_for(self, user: User) -> int:
        return self.verified if user.is_verified else self.unverified


class ExperienceService:
    def __init__(self, session: AsyncSession, quota: ExperienceQuota | None = None) -> None:
        self.quota = quota or ExperienceQuota()
        self.experiences = ExperienceRepository(session)
        self.naics = NaicsLabelRepository(session)
        self.users = UserRepository(session)

    async def naics_code(self, raw: str | None) -> str:
        """The stored code for `raw`: unclassified when absent, else an existing active code."""
        if raw is None or raw.strip() in ("", UNCLASSIFIED_NAICS_CODE):
            return UNCLASSIFIED_NAICS_CODE
        try:
            code = canonical_code(raw)
        except InvalidNaicsCode as exc:
            raise FieldError("naics_code", str(exc)) from None
        if not await self.naics.is_active_code(code):
            raise FieldError("naics_code", f"{code} is not an active NAICS code")
        return code

    async def build(self, owner: User, request: ExperienceCreate) -> Experience:
        """A new, validated experience for `owner`, not yet stored."""
        check_category(request.experience_type, request.category)
        check_dates(request.start_date, request.end_date, request.is_current)
        type_specific = validated_type_data(
            request.experience_type, request.type_specific_data, request.start_date
        )
        cls = EXPERIENCE_CLASSES[request.experience_type]
        return cls(
            user_id=owner.id,
            user=owner,
            title=request.title,
            description=request.description,
            naics_code=await self.naics_code(request.naics_code),
            start_date=_as_datetime(request.start_date),
            end_date=_as_datetime(request.end_date),
            is_current=request.is_current,
            organization=request.organization,
            location=request.location,
            type_specific_data=type_specific,
            tags=list(request.tags),
            experience_metadata=check_metadata(request.experience_metadata),
        )

    async def check_quota(self, owner: User, adding: int, field: str = "experiences") -> None:
        limit = self.quota.limit_for(owner)
        if not limit:
            return
        held = await self.experiences.count_of_user_locked(owner.id)
        if held + adding > limit:
            hint = "" if owner.is_verified else " (verify your e-mail address to hold more)"
            raise QuotaExceededError(
                field, f"this account holds {held} experiences and may hold at most {limit}{hint}"
            )

    async def create(self, owner: User, request: ExperienceCreate) -> Experience:
        experience = await self.build(owner, request)
        await self.check_quota(owner, 1)
        await self.experiences.add_all([experience])
        return experience

    async def create_all(self, owner: User, experiences: Sequence[Experience]) -> None:
        await self.check_quota(owner, len(experiences))
        await self.experiences.add_all(experiences)

    async def visible(self, experience_id: str, viewer: User | None) -> Experience:
        experience = await self.experiences.by_id(experience_id)
        if experience is None or not may_see_account(experience.user, viewer):
            raise NotFoundError
        return experience

    async def _changeable(self, experience_id: str, viewer: User) -> Experience:
        experience = await self.visible(experience_id, viewer)
        if not may_change(experience, viewer):
            raise ForbiddenError
        return experience

    async def update(self, experience_id: str, viewer: User, request: ExperienceUpdate) -> Experience:
        experience = await self._changeable(experience_id, viewer)
        experience_type = ExperienceType(experience.experience_type)
        if request.experience_type is not msgspec.UNSET and request.experience_type != experience_type:
            raise FieldError("experience_type", "cannot be changed; create a new experience instead")
        if request.category is not msgspec.UNSET:
            check_category(experience_type, request.category)

        def pick(name: str, current: Any) -> Any:
            value = getattr(request, name)
            return current if value is msgspec.UNSET else value

        start = pick("start_date", _as_date(experience.start_date))
        end = pick("end_date", _as_date(experience.end_date))
        is_current = pick("is_current", experience.is_current)
        check_dates(start, end, is_current)
        # Revalidated even when unchanged: a new start_date may contradict a stored expiry.
        type_specific = validated_type_data(
            experience_type, pick("type_specific_data", experience.type_specific_data), start
        )
        if request.naics_code is not msgspec.UNSET:
            experience.naics_code = await self.naics_code(request.naics_code)
        if request.experience_metadata is not msgspec.UNSET:
            experience.experience_metadata = check_metadata(request.experience_metadata)
        for name in ("title", "description", "organization", "location"):
            setattr(experience, name, pick(name, getattr(experience, name)))
        if request.tags is not msgspec.UNSET:
            experience.tags = list(request.tags)
        experience.start_date = _as_datetime(start)
        experience.end_date = _as_datetime(end)
        experience.is_current = is_current
        experience.type_specific_data = type_specific
        await self.experiences.save(experience)
        return experience

    async def delete(self, experience_id: str, viewer: User) -> None:
        experience = await self._changeable(experience_id, viewer)
        await self.experiences.delete(experience)

    async def page(
        self,
        username: str,
        viewer: User | None,
        *,
        category: str | None,
        experience_type: str | None,
        limit: int,
        offset: int,
    ) -> ExperiencePage:
        check_page(limit, offset)
        owner = visible_account(await self.users.by_username(username), viewer)
        items, total = await self.experiences.page_of_user(
            owner.id, category=category, experience_type=experience_type, limit=limit, offset=offset
        )
        return ExperiencePage(items=await self.responses(items), total=total, limit=limit, offset=offset)

    async def responses(self, experiences: Sequence[Experience]) -> list[ExperienceResponse]:
        labels = await self.naics.labels(e.naics_code for e in experiences)
        return [to_response(e, labels) for e in experiences]


def naics_label(code: str, labels: dict[str, tuple[str, str | None, str | None]]) -> NaicsLabel:
    if code == UNCLASSIFIED_NAICS_CODE or code not in labels:
        return NaicsLabel(code=code, classified=False)
    title, sector, sector_title = labels[code]
    return NaicsLabel(code=code, classified=True, title=title, sector=sector, sector_title=sector_title)


def to_response(
    experience: Experience, labels: dict[str, tuple[str, str | None, str | None]]
) -> ExperienceResponse:
    kind = ExperienceType(experience.experience_type)
    return from_row(
        ExperienceResponse,
        experience,
        username=experience.user.username,
        experience_type=kind,
        category=CATEGORY_OF_TYPE[kind],
        start_date=_as_date(experience.start_date),
        end_date=_as_date(experience.end_date),
        naics=naics_label(experience.naics_code, labels),
        created_at=utc(experience.created_at),
        updated_at=utc(experience.updated_at),
    )
