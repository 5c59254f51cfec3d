"""/api/v1/auth: register, log in, verify an e-mail address, reset a forgotten password."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from app.auth.login_limiter import LoginLimiter
from app.error_responses import ErrorExample, errors
from app.mail.sender import deliver_quietly
from app.models import User
from app.rate_limits import RATE_LIMITED_ACCOUNT
from app.schemas.users import (
    Accepted,
    ForgotPasswordRequest,
    LoginRequest,
    MeResponse,
    RegisterRequest,
    ResetPasswordRequest,
    TokenResponse,
    VerifiedResponse,
    VerifyRequest,
)
from app.services.accounts import AccountService, me_response


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post(
        "/register",
        status_code=HTTP_201_CREATED,
        summary="Create an account; mails a verification link",
        responses=errors(409),
        opt=RATE_LIMITED_ACCOUNT,
    )
    async def register(self, data: RegisterRequest, accounts: AccountService) -> MeResponse:
        return me_response(await accounts.register(data))

    @post(
        "/login",
        status_code=HTTP_200_OK,
        summary="Exchange a username (or e-mail) and password for a bearer token",
        description="Wrong credentials and inactive accounts get the same 401. After 5 failures in "
        "15 minutes for one account (by username or e-mail, from any client), 429 with Retry-After.",
        responses=errors(
            401, 429, e429=ErrorExample("too many failed logins, retry in 840 s", error="too_many_attempts")
        ),
    )
    async def login(
        self, data: LoginRequest, accounts: AccountService, login_limiter: LoginLimiter
    ) -> TokenResponse:
        return await accounts.login(data.username, data.password, login_limiter)

    @post(
        "/verify",
        status_code=HTTP_200_OK,
        summary="Confirm an e-mail address with the mailed token (each link works once)",
        responses=errors(401),
    )
    async def verify(self, data: VerifyRequest, accounts: AccountService) -> VerifiedResponse:
        user = await accounts.verify_email(data.token)
        return VerifiedResponse(username=user.username, is_verified=user.is_verified)

    @post(
        "/verify/resend",
        status_code=HTTP_202_ACCEPTED,
        summary="Mail a new verification link",
        opt=RATE_LIMITED_ACCOUNT,
    )
    async def resend(self, current_user: User, accounts: AccountService) -> VerifiedResponse:
        if not current_user.is_verified:
            await accounts.send_verification(current_user)
        return VerifiedResponse(username=current_user.username, is_verified=current_user.is_verified)

    @post(
        "/password/forgot",
        status_code=HTTP_202_ACCEPTED,
        summary="Mail a password reset link (valid 30 minutes, once)",
        description="Always 202, whether or not an account has this address; the mail is sent "
        "after the answer, so timing does not tell either.",
        opt=RATE_LIMITED_ACCOUNT,
    )
    async def forgot_password(
        self, data: ForgotPasswordRequest, accounts: AccountService, state: State
    ) -> Response[Accepted]:
        message = await accounts.password_reset_message(data.email)
        background = BackgroundTask(deliver_quietly, state.settings, message) if message else None
        accepted = Accepted(detail="if an account has this address, a reset link is on its way")
        return Response(accepted, status_code=HTTP_202_ACCEPTED, background=background)

    @post(
        "/password/reset",
        status_code=HTTP_200_OK,
        summary="Set a new password with the mailed token; signs out every earlier session",
        responses=errors(401),
        opt=RATE_LIMITED_ACCOUNT,
    )
    async def reset_password(self, data: ResetPasswordRequest, accounts: AccountService) -> VerifiedResponse:
        user = await accounts.reset_password(data.token, data.password)
        return VerifiedResponse(username=user.username, is_verified=user.is_verified)
