"""ORM models. Importing this package registers every table on Base.metadata."""

from app.models.experience import Experience
from app.models.naics import NaicsCode
from app.models.outbox import SearchOutbox
from app.models.search_insight import SearchInsightDay
from app.models.user import User, UserRole

__all__ = [
    "Experience",
    "NaicsCode",
    "SearchInsightDay",
    "SearchOutbox",
    "User",
    "UserRole",
]
