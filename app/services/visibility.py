"""Who may see an account and what it holds: one rule for profiles, experiences and résumés.

An account, its experiences and its résumé are public while the account is active; a
deactivated account is seen only by administrators. There is no "or its owner" branch: a
deactivated account cannot sign in (app/auth/dependencies.py refuses its tokens), so its
owner is never the viewer.
"""

from __future__ import annotations

from app.models import User
from app.services.errors import NotFoundError


def may_see_account(owner: User, viewer: User | None) -> bool:
    return owner.is_active or (viewer is not None and viewer.is_admin)


def visible_account(owner: User | None, viewer: User | None) -> User:
    """`owner` when `viewer` may see it; else NotFoundError (a hidden account does not exist)."""
    if owner is None or not may_see_account(owner, viewer):
        raise NotFoundError
    return owner
