"""Bodies of the account endpoints (register, login, verify, /users/me, public profiles)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from app.schemas.profile import PublicProfileData
from app.validation import NOT_BLANK_PATTERN

# \Z, not $: "$" also matches before a final newline, which let "alice\n" through.
USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,50}\Z"

Username = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=50,
        pattern=USERNAME_PATTERN,
        description="3-50 letters, digits, '_', '-' or '.'",
    ),
]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=255, pattern=NOT_BLANK_PATTERN)]
Password = Annotated[str, msgspec.Meta(min_length=10, max_length=1024)]


class RegisterRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    email: Email
    password: Password
    profile_data: dict[str, Any] = msgspec.field(default_factory=dict)


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    # Named as in OAuth2's password flow; holds a username or an e-mail address.
    username: Annotated[
        str,
        msgspec.Meta(
            min_length=1, max_length=255, pattern=NOT_BLANK_PATTERN, description="username or e-mail"
        ),
    ]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the scheme's name, not a secret


class VerifyRequest(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096, pattern=NOT_BLANK_PATTERN)]


class ForgotPasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResetPasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096, pattern=NOT_BLANK_PATTERN)]
    password: Password


class Accepted(msgspec.Struct):
    detail: str


class UpdateMeRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Every field optional; profile_data, when given, replaces the stored object."""

    username: Username | msgspec.UnsetType = msgspec.UNSET
    email: Email | msgspec.UnsetType = msgspec.UNSET
    profile_data: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class MeResponse(msgspec.Struct):
    """The signed-in user's own account: the only place the e-mail address is shown."""

    id: str
    username: str
    email: str
    is_active: bool
    is_verified: bool
    is_admin: bool
    profile_data: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None


class PublicProfile(msgspec.Struct):
    username: str
    profile_data: PublicProfileData
    created_at: datetime


class VerifiedResponse(msgspec.Struct):
    username: str
    is_verified: bool
