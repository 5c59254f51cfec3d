from __future__ import annotations

from dataclasses import replace

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import InvalidToken, account_token, issue_token, read_token
from app.config import Settings
from app.models import User, UserRole


def test_a_token_names_its_subject_until_it_expires(settings: Settings) -> None:
    token = issue_token("u1", settings)
    assert read_token(token, settings) == "u1"
    with pytest.raises(InvalidToken):
        read_token(issue_token("u1", settings, ttl=-1), settings)


def test_tampered_tokens_and_other_keys_and_purposes_are_refused(settings: Settings) -> None:
    token = issue_token("u1", settings)
    with pytest.raises(InvalidToken):
        read_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], settings)
    with pytest.raises(InvalidToken):
        read_token(token, replace(settings, secret_key="another-key"))
    with pytest.raises(InvalidToken):
        read_token(issue_token("u1", settings, purpose="verify"), settings)


@get("/whoami")
async def whoami(current_user: User) -> dict[str, str]:
    return {"username": current_user.username}


@get("/admin-only")
async def admin_only(admin_user: User) -> dict[str, str]:
    return {"admin": admin_user.username}


async def test_dependencies_answer_401_then_403_then_200(
    app: Litestar, db_session: AsyncSession, settings: Settings
) -> None:
    app.register(whoami)
    app.register(admin_only)
    user = User(username="ada", email="ada@example.com", password_hash="x")
    db_session.add(user)
    await db_session.commit()
    auth = {"Authorization": f"Bearer {account_token(user, settings)}"}
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/whoami")).status_code == 401
        assert (await client.get("/whoami", headers={"Authorization": "Bearer nonsense"})).status_code == 401
        assert (await client.get("/whoami", headers=auth)).json() == {"username": "ada"}
        assert (await client.get("/admin-only", headers=auth)).status_code == 403
        db_session.add(UserRole(user_id=user.id, role="admin"))
        await db_session.commit()
        assert (await client.get("/admin-only", headers=auth)).json() == {"admin": "ada"}
        user.is_active = False
        await db_session.commit()
        assert (await client.get("/whoami", headers=auth)).status_code == 401
