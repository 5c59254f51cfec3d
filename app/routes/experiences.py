"""/api/v1/experiences: create, read, change and delete one experience."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.error_responses import ErrorExample, errors
from app.models import User
from app.schemas.experiences import ExperienceCreate, ExperienceResponse, ExperienceUpdate
from app.services.experiences import ExperienceService
from app.services.naics_classifier import Classifier, with_suggestions

# The rule a client most often meets that the schema alone cannot say: a GPA above its scale.
_GPA_REFUSED = ErrorExample(
    "type_specific_data.gpa: must be between 0 and 4 (give gpa_scale for another grading scale)",
    "type_specific_data.gpa",
)


class ExperiencesController(Controller):
    path = "/api/v1/experiences"
    tags = ["experiences"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Record an experience of the signed-in user",
        description="`experience_type` decides the category and the schema of `type_specific_data`.",
        responses=errors(422, e422=_GPA_REFUSED),
    )
    async def create(
        self,
        data: ExperienceCreate,
        current_user: User,
        experience_service: ExperienceService,
        classifier: Classifier,
    ) -> ExperienceResponse:
        experience = await experience_service.create(current_user, data)
        response = (await experience_service.responses([experience]))[0]
        return await with_suggestions(classifier, response)

    @get("/{experience_id:str}", summary="One experience (hidden while its owner is inactive)")
    async def read(
        self, experience_id: str, optional_user: User | None, experience_service: ExperienceService
    ) -> ExperienceResponse:
        experience = await experience_service.visible(experience_id, optional_user)
        return (await experience_service.responses([experience]))[0]

    @patch(
        "/{experience_id:str}", summary="Change an experience (owner or administrator)", responses=errors(403)
    )
    async def update(
        self,
        experience_id: str,
        data: ExperienceUpdate,
        current_user: User,
        experience_service: ExperienceService,
        classifier: Classifier,
    ) -> ExperienceResponse:
        experience = await experience_service.update(experience_id, current_user, data)
        response = (await experience_service.responses([experience]))[0]
        return await with_suggestions(classifier, response)

    @delete(
        "/{experience_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete (owner or administrator)",
        responses=errors(403),
    )
    async def remove(
        self, experience_id: str, current_user: User, experience_service: ExperienceService
    ) -> None:
        await experience_service.delete(experience_id, current_user)
