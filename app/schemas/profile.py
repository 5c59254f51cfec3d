"""The seed's profile_data schema (users.profile_data), with sensible limits."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from app.validation import (
    NOT_BLANK_PATTERN,
    SAFE_URL_PATTERN,
    SAFE_URL_RULE,
    FieldError,
    field_error_from_msgspec,
)

Url = Annotated[str, msgspec.Meta(max_length=500, pattern=SAFE_URL_PATTERN, description=SAFE_URL_RULE)]
Handle = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK_PATTERN)]


class Social(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    github: Handle | None = None
    linkedin: Handle | None = None
    twitter: Handle | None = None


class Preferences(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    theme: Literal["light", "dark", "system"] | None = None
    notifications: bool | None = None


class ProfileData(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    bio: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    location: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    avatar_url: Url | None = None
    website: Url | None = None
    social: Social | None = None
    preferences: Preferences | None = None


class PublicProfileData(msgspec.Struct, omit_defaults=True):
    """What anyone may see: everything but the owner's preferences."""

    bio: str | None = None
    location: str | None = None
    avatar_url: str | None = None
    website: str | None = None
    social: Social | None = None


def validated_profile_data(raw: Any) -> dict[str, Any]:
    """The stored form of `raw`, or FieldError naming e.g. `profile_data.social.github`."""
    try:
        profile = msgspec.convert(raw, ProfileData)
    except msgspec.ValidationError as exc:
        raise field_error_from_msgspec(exc, "profile_data") from None
    stored = msgspec.to_builtins(profile)
    if not isinstance(stored, dict):  # pragma: no cover - a Struct always encodes to an object
        raise FieldError("profile_data", "must be an object")
    return stored


def public_profile_data(stored: dict[str, Any]) -> PublicProfileData:
    # Rows written before validation existed may hold anything; show only the public keys.
    known = {key: stored[key] for key in PublicProfileData.__struct_fields__ if key in stored}
    try:
        return msgspec.convert(known, PublicProfileData)
    except msgspec.ValidationError:
        return PublicProfileData()
