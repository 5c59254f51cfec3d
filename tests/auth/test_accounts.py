"""Accounts through the API: registration, login, tokens, limiter, /users/me, public profiles."""

from __future__ import annotations

from dataclasses import replace

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import passwords
from app.auth.tokens import PASSWORD_CLAIM, issue_token, read_claims
from app.config import Settings
from app.models import User
from tests.support.accounts import PASSWORD, Client, login, register, sign_up

LOGIN = "/api/v1/auth/login"


async def test_register_then_log_in_by_username_or_email(client: Client, db_session: AsyncSession) -> None:
    created = await register(client, "ada.l-1_x", profile_data={"bio": "Engineer"})
    assert created["username"] == "ada.l-1_x"
    assert created["email"] == "ada.l-1_x@example.com"
    assert (created["is_verified"], created["is_admin"], created["last_login"]) == (False, False, None)
    assert "password" not in str(created) and "hash" not in str(created)

    response = await client.post(LOGIN, json={"username": "ADA.L-1_X@example.com", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    me = (
        await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    ).json()
    assert me["profile_data"] == {"bio": "Engineer"}
    assert me["last_login"] is not None
    stored = await db_session.scalar(select(User.password_hash).where(User.username == "ada.l-1_x"))
    assert stored is not None and stored.startswith("$argon2id$")


async def test_registration_input_is_validated(client: Client) -> None:
    cases = [
        ({"username": "ab"}, "username"),
        ({"username": "has space"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"profile_data": {"favourite_colour": "red"}}, "profile_data.favourite_colour"),
        ({"profile_data": {"social": {"myspace": "x"}}}, "profile_data.social.myspace"),
        ({"profile_data": {"website": "javascript:alert(1)"}}, "profile_data.website"),
        ({"is_admin": True}, "is_admin"),
    ]
    for change, field in cases:
        body = {"username": "ada", "email": "ada@example.com", "password": PASSWORD, **change}
        response = await client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 422, (change, response.text)
        assert response.json()["field"] == field, change


async def test_duplicate_username_or_email_is_409_naming_the_field(client: Client) -> None:
    await register(client, "ada")
    body = {"username": "ADA", "email": "other@example.com", "password": PASSWORD}
    taken = await client.post("/api/v1/auth/register", json=body)
    assert (taken.status_code, taken.json()["field"]) == (409, "username")
    body = {"username": "other", "email": "Ada@Example.com", "password": PASSWORD}
    taken = await client.post("/api/v1/auth/register", json=body)
    assert (taken.status_code, taken.json()["field"]) == (409, "email")


async def test_every_wrong_credential_gets_the_same_401(client: Client) -> None:
    ada = await sign_up(client, "ada")
    await register(client, "bob")
    wrong_password = await client.post(LOGIN, json={"username": "ada", "password": "not the password"})
    unknown_user = await client.post(LOGIN, json={"username": "nobody", "password": PASSWORD})
    await client.post("/api/v1/users/me/deactivate", headers=ada.auth)
    inactive = await client.post(LOGIN, json={"username": "ada", "password": PASSWORD})
    # Identical but for the request id, which every answer has.
    answers = {
        (r.status_code, r.text.replace(r.headers["X-Request-ID"], ""))
        for r in (wrong_password, unknown_user, inactive)
    }
    assert len(answers) == 1
    assert wrong_password.status_code == 401
    assert (await client.post(LOGIN, json={"username": "bob", "password": PASSWORD})).status_code == 200


async def test_repeated_failures_are_refused_with_429_and_retry_after(client: Client) -> None:
    await register(client, "ada")
    for _ in range(5):
        failed = await client.post(LOGIN, json={"username": "ada", "password": "wrong password"})
        assert failed.status_code == 401
    locked = await client.post(LOGIN, json={"username": "ada", "password": PASSWORD})
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    # Another account from the same client is not locked out.
    await register(client, "bob")
    assert await login(client, "bob")


async def test_a_successful_login_resets_the_failure_count(client: Client) -> None:
    await register(client, "ada")
    for _ in range(4):
        await client.post(LOGIN, json={"username": "ada", "password": "wrong password"})
    await login(client, "ada")
    for _ in range(4):
        await client.post(LOGIN, json={"username": "ada", "password": "wrong password"})
    assert await login(client, "ada")


async def test_tampered_expired_and_foreign_tokens_are_401(client: Client, settings: Settings) -> None:
    ada = await sign_up(client, "ada")
    me = (await client.get("/api/v1/users/me", headers=ada.auth)).json()
    header, payload, signature = ada.token.split(".")
    tampered = f"{header}.{payload}.{signature[:-3]}{'AAA' if signature[-3:] != 'AAA' else 'BBB'}"
    # Each differs from a live token in one way only (all carry its password fingerprint).
    claims = {PASSWORD_CLAIM: read_claims(ada.token, settings)[PASSWORD_CLAIM]}
    expired = issue_token(me["id"], settings, ttl=-10, claims=claims)
    foreign = issue_token(me["id"], replace(settings, secret_key="someone-else"), claims=claims)
    verify_purpose = issue_token(me["id"], settings, purpose="verify", claims=claims)
    alike = issue_token(me["id"], settings, claims=claims)
    assert (
        await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {alike}"})
    ).status_code == 200
    for token in (tampered, expired, foreign, verify_purpose, "not.a.jwt"):
        response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
    assert (await client.get("/api/v1/users/me")).status_code == 401


async def test_public_profile_shows_no_private_data(client: Client) -> None:
    profile = {
        "bio": "Engineer",
        "location": "Lisbon",
        "website": "https://ada.example.com",
        "social": {"github": "ada"},
        "preferences": {"theme": "dark", "notifications": False},
    }
    await register(client, "ada", profile_data=profile)
    bob = await sign_up(client, "bob")
    for headers in ({}, bob.auth):
        response = await client.get("/api/v1/users/ada", headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"username", "profile_data", "created_at"}
        assert body["profile_data"] == {key: value for key, value in profile.items() if key != "preferences"}
        for secret in ("ada@example.com", "password", "argon2", "is_active", "is_verified", "email"):
            assert secret not in response.text
    assert (await client.get("/api/v1/users/nobody")).status_code == 404


async def test_update_me(client: Client) -> None:
    ada = await sign_up(client, "ada")
    await register(client, "bob")
    response = await client.patch(
        "/api/v1/users/me",
        json={"username": "ada2", "profile_data": {"bio": "New", "preferences": {"theme": "light"}}},
        headers=ada.auth,
    )
    assert response.status_code == 200
    assert (response.json()["username"], response.json()["profile_data"]["bio"]) == ("ada2", "New")
    assert (await client.get("/api/v1/users/ada2")).status_code == 200
    assert (await client.get("/api/v1/users/ada")).status_code == 404

    taken = await client.patch("/api/v1/users/me", json={"email": "BOB@example.com"}, headers=ada.auth)
    assert (taken.status_code, taken.json()["field"]) == (409, "email")
    unknown = await client.patch("/api/v1/users/me", json={"profile_data": {"age": 3}}, headers=ada.auth)
    assert (unknown.status_code, unknown.json()["field"]) == (422, "profile_data.age")
    flags = await client.patch("/api/v1/users/me", json={"is_verified": True}, headers=ada.auth)
    assert (flags.status_code, flags.json()["field"]) == (422, "is_verified")


async def test_deactivated_accounts_cannot_log_in_and_disappear(client: Client) -> None:
    ada = await sign_up(client, "ada")
    assert (await client.post("/api/v1/users/me/deactivate", headers=ada.auth)).status_code == 204
    assert (await client.get("/api/v1/users/me", headers=ada.auth)).status_code == 401
    assert (await client.get("/api/v1/users/ada")).status_code == 404
    assert (await client.post(LOGIN, json={"username": "ada", "password": PASSWORD})).status_code == 401


async def test_hashes_made_with_old_parameters_are_upgraded_at_login(
    client: Client, db_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register(client, "ada")
    old = await db_session.scalar(select(User.password_hash).where(User.username == "ada"))
    monkeypatch.setattr(passwords, "hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    await login(client, "ada")
    db_session.expire_all()
    new = await db_session.scalar(select(User.password_hash).where(User.username == "ada"))
    assert old != new and "m=2048,t=2" in new
    assert await login(client, "ada")
