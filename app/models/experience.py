from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base
from app.experiences.types import (
    CATEGORY_OF_TYPE,
    UNCLASSIFIED_NAICS_CODE,
    ExperienceCategory,
    ExperienceType,
)
from app.models.columns import (
    created_at_column,
    json_list_column,
    json_object_column,
    new_id,
    updated_at_column,
)

if TYPE_CHECKING:
    from app.models.user import User


def _category_matches_type() -> str:
    clauses = []
    for category in ExperienceCategory:
        types = ", ".join(f"'{t.value}'" for t, c in CATEGORY_OF_TYPE.items() if c == category)
        clauses.append(f"(category = '{category.value}' AND experience_type IN ({types}))")
    return " OR ".join(clauses)


class Experience(Base):
    """The seed's experiences table (17 columns), single-table inheritance on experience_type.

    `naics_code` keeps the seed's NOT NULL default '123456', which means "not classified
    yet"; any other value must be an existing naics_codes row (enforced by a constraint
    trigger, since a foreign key cannot exempt one sentinel value).
    """

    __tablename__ = "experiences"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    naics_code: Mapped[str] = mapped_column(
        String(6),
        nullable=False,
        default=UNCLASSIFIED_NAICS_CODE,
        server_default=text(f"'{UNCLASSIFIED_NAICS_CODE}'"),
        index=True,
    )
    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    experience_type: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    start_date: Mapped[datetime | None] = mapped_column(DateTime())
    end_date: Mapped[datetime | None] = mapped_column(DateTime())
    # NOT NULL: the seed's column reference says so (its DDL forgot it).
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    organization: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(255))
    type_specific_data: Mapped[dict] = json_object_column()
    tags: Mapped[list[str]] = json_list_column()
    experience_metadata: Mapped[dict] = json_object_column()
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    user: Mapped[User] = relationship(back_populates="experiences")

    __mapper_args__ = {"polymorphic_on": "experience_type"}
    __table_args__ = (CheckConstraint(_category_matches_type(), name="category_matches_type"),)

    def __init__(self, **kwargs: object) -> None:
        # The category follows from the type; callers never have to repeat it.
        identity = type(self).__mapper__.polymorphic_identity
        if identity is not None:
            kwargs.setdefault("category", CATEGORY_OF_TYPE[ExperienceType(identity)].value)
        super().__init__(**kwargs)


def _subclass(kind: ExperienceType) -> type[Experience]:
    # One mapped subclass per type (CertificateExperience, PartTimeExperience, ...): the
    # polymorphic identity is all that differs.
    name = "".join(word.title() for word in kind.value.split("_")) + "Experience"
    return type(name, (Experience,), {"__mapper_args__": {"polymorphic_identity": kind.value}})


EXPERIENCE_CLASSES: dict[ExperienceType, type[Experience]] = {
    kind: _subclass(kind) for kind in ExperienceType
}
