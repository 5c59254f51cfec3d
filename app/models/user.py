from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, func, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base
from app.models.columns import created_at_column, json_object_column, new_id, updated_at_column

if TYPE_CHECKING:
    from app.models.experience import Experience


class User(Base):
    """The seed's users table, column for column (10 columns)."""

    __tablename__ = "users"
    # Unique regardless of case (migration 0005): "Ann" and "ann" are one name.
    __table_args__ = (
        Index("uq_users_username_lower", func.lower(text("username")), unique=True),
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(50), nullable=False, unique=True, index=True)
    email: Mapped[str] = mapped_column(String(255), nullable=False, unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=true())
    is_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    profile_data: Mapped[dict] = json_object_column()
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    last_login: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)

    experiences: Mapped[list[Experience]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    roles: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    @property
    def is_admin(self) -> bool:
        return any(role.role == "admin" for role in self.roles)


class UserRole(Base):
    """Roles live outside the seed's users table so no profile update can grant one.

    Only the CLI (`levelith users grant-admin`) writes here.
    """

    __tablename__ = "user_roles"

    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
