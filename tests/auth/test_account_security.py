"""Account abuse: case-insensitive names under a race, password reset, single-use links, the
per-account login lockout, per-client rate limits and the per-account experience quota."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.asgi import create_app
from app.config import Settings
from app.models import User
from tests.support.accounts import PASSWORD, Client, login, register, sign_up

LOGIN = "/api/v1/auth/login"
TOKEN = re.compile(r"token=([A-Za-z0-9_\-.]+)")


async def _mails(settings: Settings, count: int) -> list[str]:
    """Plain-text bodies of the mails written to the data dir (no SMTP_URL), oldest first; waits
    for background deliveries to land."""
    folder = Path(settings.data_dir) / "mail"
    for _ in range(200):
        files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
        if len(files) >= count:
            break
        await asyncio.sleep(0.05)
    bodies = []
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        bodies.append(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    return bodies


def _token(body: str) -> str:
    match = TOKEN.search(body)
    assert match, body
    return match.group(1)


async def test_concurrent_registrations_differing_only_in_case_cannot_both_succeed(client: Client) -> None:
    bodies = [
        {"username": "Ann", "email": "ann@example.com", "password": PASSWORD},
        {"username": "ann", "email": "other-ann@example.com", "password": PASSWORD},
    ]
    for _ in range(3):  # several rounds: the race must be lost the same way every time
        answers = await asyncio.gather(*(client.post("/api/v1/auth/register", json=b) for b in bodies))
        statuses = sorted(a.status_code for a in answers)
        assert statuses in ([201, 409], [409, 409]), [a.text for a in answers]
        assert all(a.json()["field"] == "username" for a in answers if a.status_code == 409)
        bodies = [{**b, "username": b["username"] + "x", "email": "x" + b["email"]} for b in bodies]


async def test_the_database_refuses_names_and_addresses_differing_only_in_case(
    db_session: AsyncSession,
) -> None:
    db_session.add(User(username="Zoe", email="zoe@example.com", password_hash="x"))
    await db_session.commit()
    for username, email in (("zoe", "zoe2@example.com"), ("zoe3", "ZOE@example.com")):
        db_session.add(User(username=username, email=email, password_hash="x"))
        with pytest.raises(IntegrityError):
            await db_session.commit()
        await db_session.rollback()


async def test_password_reset_is_single_use_and_signs_out_earlier_tokens(
    client: Client, settings: Settings
) -> None:
    ada = await sign_up(client, "ada")
    unknown = await client.post("/api/v1/auth/password/forgot", json={"email": "nobody@example.com"})
    asked = await client.post("/api/v1/auth/password/forgot", json={"email": "ADA@example.com"})
    assert unknown.status_code == asked.status_code == 202
    assert unknown.json() == asked.json()
    mails = await _mails(settings, 2)  # the verification mail, then the reset mail
    assert len(mails) == 2 and "/reset-password?token=" in mails[1] and "30 minutes" in mails[1]
    token = _token(mails[1])
    assert (await client.get("/reset-password")).status_code == 200

    weak = await client.post("/api/v1/auth/password/reset", json={"token": token, "password": "short"})
    assert (weak.status_code, weak.json()["field"]) == (422, "password")
    new_password = "a brand new passphrase"
    reset = await client.post("/api/v1/auth/password/reset", json={"token": token, "password": new_password})
    assert reset.status_code == 200, reset.text
    again = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "yet another one!"}
    )
    assert again.status_code == 401
    assert (await client.get("/api/v1/users/me", headers=ada.auth)).status_code == 401
    old = await client.post(LOGIN, json={"username": "ada", "password": PASSWORD})
    assert old.status_code == 401
    fresh = await login(client, "ada@example.com", new_password)
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {fresh}"})
    assert me.status_code == 200


async def test_a_verification_link_works_once(client: Client, settings: Settings) -> None:
    await register(client, "ada")
    token = _token((await _mails(settings, 1))[0])
    assert (await client.post("/api/v1/auth/verify", json={"token": token})).status_code == 200
    assert (await client.post("/api/v1/auth/verify", json={"token": token})).status_code == 401


async def test_login_failures_count_per_account_whichever_name_is_typed(client: Client) -> None:
    await register(client, "ada")
    for name in ("ada", "ADA@example.com", "Ada", "ada@example.com", "ada"):
        wrong = await client.post(LOGIN, json={"username": name, "password": "not the password"})
        assert wrong.status_code == 401
    for name in ("ada@example.com", "ADA"):
        locked = await client.post(LOGIN, json={"username": name, "password": PASSWORD})
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        assert locked.json()["error"] == "too_many_attempts"


async def test_account_endpoints_are_rate_limited_per_client(settings: Settings) -> None:
    app = create_app(replace(settings, rate_limit_account_per_minute=2))
    async with AsyncTestClient(app=app) as client:
        await register(client, "ada")
        forgot = await client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"})
        assert forgot.status_code == 202
        limited = await client.post(
            "/api/v1/auth/register",
            json={"username": "bob", "email": "bob@example.com", "password": PASSWORD},
        )
        assert limited.status_code == 429, limited.text
        assert int(limited.headers["retry-after"]) >= 1 and limited.json()["error"] == "rate_limited"
        # Other endpoints are not counted.
        assert (await client.get("/api/v1/naics/autocomplete", params={"q": "den"})).status_code == 200


async def test_search_rate_limit_follows_the_setting(settings: Settings) -> None:
    for per_minute, expected in ((3, [200, 200, 200, 429]), (0, [200, 200, 200, 200])):
        app = create_app(replace(settings, rate_limit_search_per_minute=per_minute))
        async with AsyncTestClient(app=app) as client:
            answers = [
                await client.get("/api/v1/naics/autocomplete", params={"q": "d"}),
                await client.get("/api/v1/naics/search", params={"q": "d"}),
                await client.get("/api/v1/experiences/search", params={"q": "d"}),
                await client.get("/api/v1/naics/autocomplete", params={"q": "de"}),
            ]
            assert [a.status_code for a in answers] == expected, [a.text[:200] for a in answers]
            if expected[-1] == 429:
                assert int(answers[-1].headers["retry-after"]) >= 1


async def test_experience_quota_is_lower_until_the_address_is_verified(settings: Settings) -> None:
    app = create_app(replace(settings, experience_quota_unverified=2, experience_quota_verified=3))
    async with AsyncTestClient(app=app) as client:
        ada = await sign_up(client, "ada")
        gig = {"experience_type": "gig", "title": "Gig"}
        for _ in range(2):
            assert (await client.post("/api/v1/experiences", json=gig, headers=ada.auth)).status_code == 201
        over = await client.post("/api/v1/experiences", json=gig, headers=ada.auth)
        assert over.status_code == 422 and over.json()["error"] == "quota_exceeded", over.text
        assert "verify" in over.json()["detail"]
        resume = {"work": [{"name": "A", "position": "Welder"}]}
        imported = await client.post("/api/v1/users/me/resume", json=resume, headers=ada.auth)
        assert imported.status_code == 422 and imported.json()["error"] == "quota_exceeded"

        token = _token((await _mails(settings, 1))[0])
        assert (await client.post("/api/v1/auth/verify", json={"token": token})).status_code == 200
        assert (await client.post("/api/v1/experiences", json=gig, headers=ada.auth)).status_code == 201
        assert (await client.post("/api/v1/experiences", json=gig, headers=ada.auth)).status_code == 422
