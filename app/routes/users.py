"""/api/v1/users: the signed-in account (/me) and public profiles."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, patch, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.error_responses import errors
from app.experiences.types import ExperienceCategory, ExperienceType
from app.models import User
from app.routes.paging import Limit, Offset
from app.schemas.experiences import ExperiencePage
from app.schemas.resume import ImportResult, Resume
from app.schemas.users import MeResponse, PublicProfile, UpdateMeRequest
from app.services.accounts import AccountService, me_response, public_profile
from app.services.experiences import ExperienceService
from app.services.resume import ResumeService


class UsersController(Controller):
    path = "/api/v1/users"
    tags = ["users"]

    @get("/me", summary="The signed-in account, with its e-mail address", cache=False)
    async def me(self, current_user: User) -> MeResponse:
        return me_response(current_user)

    @patch(
        "/me",
        summary="Change username, e-mail (needs verifying again) or profile_data",
        responses=errors(409),
    )
    async def update_me(
        self, data: UpdateMeRequest, current_user: User, accounts: AccountService
    ) -> MeResponse:
        return me_response(await accounts.update(current_user, data))

    @delete("/me", status_code=HTTP_204_NO_CONTENT, summary="Delete the account and all its experiences")
    async def delete_me(self, current_user: User, accounts: AccountService) -> None:
        await accounts.delete(current_user)

    @post(
        "/me/deactivate",
        status_code=HTTP_204_NO_CONTENT,
        summary="Deactivate the account: it can no longer log in and its profile is hidden",
    )
    async def deactivate_me(self, current_user: User, accounts: AccountService) -> None:
        await accounts.deactivate(current_user)

    @get("/{username:str}", summary="Public profile: never e-mail, password or account flags")
    async def profile(
        self, username: str, accounts: AccountService, optional_user: User | None
    ) -> PublicProfile:
        return public_profile(await accounts.public_user(username, optional_user))

    @get("/{username:str}/experiences", summary="A user's experiences, newest first")
    async def experiences(
        self,
        username: str,
        experience_service: ExperienceService,
        optional_user: User | None,
        category: ExperienceCategory | None = None,
        experience_type: ExperienceType | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> ExperiencePage:
        return await experience_service.page(
            username,
            optional_user,
            category=category,
            experience_type=experience_type,
            limit=limit,
            offset=offset,
        )

    @get(
        "/{username:str}/resume.json",
        summary="The profile and experiences as a JSON Resume (e-mail only for its owner)",
        cache=False,
    )
    async def resume(self, username: str, resumes: ResumeService, optional_user: User | None) -> Resume:
        return await resumes.export(username, optional_user)

    @post(
        "/me/resume",
        status_code=HTTP_201_CREATED,
        summary="Import a JSON Resume: one experience per entry, all or nothing",
        description="basics replace the profile's bio, location, website, avatar and social links. "
        "An invalid entry is a 422 naming it (e.g. `education[1].type_specific_data.gpa`); "
        "nothing is written then.",
    )
    async def import_resume(
        self, data: dict[str, Any], current_user: User, resumes: ResumeService
    ) -> ImportResult:
        return await resumes.import_resume(current_user, data)
