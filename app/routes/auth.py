"""/api/v1/auth: register, log in, verify an e-mail address."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.login_limiter import LoginLimiter
from app.error_responses import errors
from app.models import User
from app.schemas.users import (
    LoginRequest,
    MeResponse,
    RegisterRequest,
    TokenResponse,
    VerifiedResponse,
    VerifyRequest,
)
from app.services.accounts import AccountService, me_response

LOGIN_STORE = "login_attempts"


async def provide_accounts(db_session: AsyncSession, state: State) -> AccountService:
    return AccountService(db_session, state.settings)


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]
    dependencies = {"accounts": Provide(provide_accounts)}

    @post(
        "/register",
        status_code=HTTP_201_CREATED,
        summary="Create an account; mails a verification link",
        responses=errors(409),
    )
    async def register(self, data: RegisterRequest, accounts: AccountService) -> MeResponse:
        return me_response(await accounts.register(data))

    @post(
        "/login",
        status_code=HTTP_200_OK,
        summary="Exchange a username (or e-mail) and password for a bearer token",
        description="Wrong credentials and inactive accounts get the same 401. After 5 failures in "
        "15 minutes for one login name from one client, 429 with Retry-After.",
        responses=errors(401, 429),
    )
    async def login(self, data: LoginRequest, accounts: AccountService, request: Request) -> TokenResponse:
        limiter = LoginLimiter(request.app.stores.get(LOGIN_STORE))
        client = request.client.host if request.client else "unknown"
        return await accounts.login(data.username, data.password, client, limiter)

    @post(
        "/verify",
        status_code=HTTP_200_OK,
        summary="Confirm an e-mail address with the mailed token",
        responses=errors(401),
    )
    async def verify(self, data: VerifyRequest, accounts: AccountService) -> VerifiedResponse:
        user = await accounts.verify_email(data.token)
        return VerifiedResponse(username=user.username, is_verified=user.is_verified)

    @post("/verify/resend", status_code=HTTP_202_ACCEPTED, summary="Mail a new verification link")
    async def resend(self, current_user: User, accounts: AccountService) -> VerifiedResponse:
        if not current_user.is_verified:
            await accounts.send_verification(current_user)
        return VerifiedResponse(username=current_user.username, is_verified=current_user.is_verified)
