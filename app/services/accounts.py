"""Accounts: registration, login, e-mail verification, profile changes, deletion, roles."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage

import msgspec
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.login_limiter import LoginLimiter
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.tokens import InvalidToken, account_token, check_account_token, read_claims
from app.config import Settings
from app.mail.sender import MailError, send_mail
from app.models import User
from app.repositories.users import UserRepository
from app.schemas.from_row import from_row
from app.schemas.profile import public_profile_data, validated_profile_data
from app.schemas.timestamps import utc, utc_or_none
from app.schemas.users import MeResponse, PublicProfile, RegisterRequest, TokenResponse, UpdateMeRequest
from app.services.errors import (
    InvalidCredentialsError,
    InvalidTokenError,
    NotFoundError,
    TooManyAttemptsError,
)
from app.services.password_reset_mail import RESET_MAIL, RESET_PURPOSE, reset_token
from app.services.verification_mail import (
    VERIFICATION_MAIL,
    read_verification_token,
    verification_token,
)
from app.services.visibility import visible_account
from app.validation import ConflictError, FieldError

log = logging.getLogger(__name__)

ADMIN_ROLE = "admin"


def normalised_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldError("email", str(exc)) from None


def _utc_now() -> datetime:
    # Naive UTC, like every TIMESTAMP column of the seed.
    return datetime.now(UTC).replace(tzinfo=None)


class AccountService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.users = UserRepository(session)
        self.settings = settings

    async def _ensure_unique(self, username: str | None, email: str | None, except_id: str | None) -> None:
        if username is not None and await self.users.username_taken(username, except_id=except_id):
            raise ConflictError("username", "this username is already taken")
        if email is not None and await self.users.email_taken(email, except_id=except_id):
            raise ConflictError("email", "an account with this e-mail address already exists")

    async def _flush_unique(self, user: User, *, new: bool) -> User:
        # Two registrations racing past _ensure_unique meet the unique indexes here.
        try:
            return await (self.users.add(user) if new else self.users.refresh(user))
        except IntegrityError as exc:
            field = "email" if "email" in str(exc.orig) else "username"
            raise ConflictError(field, f"this {field} is already taken") from None

    async def send_verification(self, user: User) -> None:
        """Mail a fresh verification link; a mail failure is logged, never fatal to the caller."""
        token = verification_token(user.id, user.email, self.settings)
        try:
            await send_mail(
                self.settings, VERIFICATION_MAIL.message(user.username, user.email, token, self.settings)
            )
        except MailError:
            log.exception("verification mail to user %s not delivered", user.id)

    async def register(self, request: RegisterRequest) -> User:
        email = normalised_email(request.email)
        profile_data = validated_profile_data(request.profile_data)
        await self._ensure_unique(request.username, email, None)
        user = User(
            username=request.username,
            email=email,
            password_hash=await hash_password(request.password),
            profile_data=profile_data,
        )
        user = await self._flush_unique(user, new=True)
        await self.send_verification(user)
        return user

    async def login(self, login: str, password: str, limiter: LoginLimiter) -> TokenResponse:
        user = await self.users.by_login(login)
        key = limiter.key(user.id if user else login)
        retry_after = await limiter.retry_after(key)
        if retry_after is not None:
            raise TooManyAttemptsError(retry_after)
        ok = await verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.is_active:
            await limiter.record_failure(key)
            raise InvalidCredentialsError
        await limiter.clear(key)
        if needs_rehash(user.password_hash):
            user.password_hash = await hash_password(password)
        await self.users.touch_login(user, _utc_now())
        ttl = self.settings.token_ttl_seconds
        return TokenResponse(access_token=account_token(user, self.settings, ttl=ttl), expires_in=ttl)

    async def verify_email(self, token: str) -> User:
        try:
            user_id, email = read_verification_token(token, self.settings)
        except InvalidToken:
            raise InvalidTokenError from None
        user = await self.users.by_id(user_id)
        # Single use: once the address is verified, its links (this one too) are spent.
        if user is None or not user.is_active or user.email.lower() != email or user.is_verified:
            raise InvalidTokenError
        user.is_verified = True
        await self.users.refresh(user)
        return user

    async def password_reset_message(self, raw_email: str) -> EmailMessage | None:
        """The reset mail for the active account with this address, or None (the caller answers
        alike either way, so the endpoint tells nobody which addresses have accounts)."""
        try:
            email = normalised_email(raw_email)
        except FieldError:
            return None
        user = await self.users.by_email(email)
        if user is None or not user.is_active:
            return None
        return RESET_MAIL.message(user.username, user.email, reset_token(user, self.settings), self.settings)

    async def reset_password(self, token: str, password: str) -> User:
        """Set a new password with a reset token; spends the token and every earlier bearer token."""
        try:
            claims = read_claims(token, self.settings, purpose=RESET_PURPOSE)
        except InvalidToken:
            raise InvalidTokenError from None
        user = await self.users.by_id(str(claims["sub"]))
        if user is None or not user.is_active:
            raise InvalidTokenError
        try:
            check_account_token(claims, user)
        except InvalidToken:
            raise InvalidTokenError from None
        user.password_hash = await hash_password(password)
        return await self.users.refresh(user)

    async def update(self, user: User, request: UpdateMeRequest) -> User:
        username = None if request.username is msgspec.UNSET else request.username
        email = None if request.email is msgspec.UNSET else normalised_email(request.email)
        if email is not None and email.lower() == user.email.lower():
            email = None
        if request.profile_data is not msgspec.UNSET:
            user.profile_data = validated_profile_data(request.profile_data)
        await self._ensure_unique(username, email, user.id)
        if username is not None:
            user.username = username
        if email is not None:
            # A new address has to be proven again.
            user.email = email
            user.is_verified = False
        user = await self._flush_unique(user, new=False)
        if email is not None:
            await self.send_verification(user)
        return user

    async def delete(self, user: User) -> None:
        await self.users.delete(user)

    async def deactivate(self, user: User) -> None:
        await self.users.deactivate(user)

    async def public_user(self, username: str, viewer: User | None = None) -> User:
        """An active user by name; inactive accounts exist only for administrators."""
        return visible_account(await self.users.by_username(username), viewer)

    async def set_admin(self, username: str, granted: bool) -> User:
        user = await self.users.by_username(username)
        if user is None:
            raise NotFoundError
        await self.users.set_role(user, ADMIN_ROLE, granted)
        return user


def me_response(user: User) -> MeResponse:
    return from_row(
        MeResponse,
        user,
        created_at=utc(user.created_at),
        updated_at=utc(user.updated_at),
        last_login=utc_or_none(user.last_login),
    )


def public_profile(user: User) -> PublicProfile:
    profile_data = public_profile_data(user.profile_data)
    return from_row(PublicProfile, user, profile_data=profile_data, created_at=utc(user.created_at))
