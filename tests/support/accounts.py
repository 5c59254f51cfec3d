"""Accounts made through the API (sign-up, login), as a user of the API makes them."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar
from litestar.testing import AsyncTestClient

PASSWORD = "correct horse battery"


Client = AsyncTestClient[Litestar]


@dataclass
class Account:
    username: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(client: Client, username: str, **extra: object) -> dict:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD, **extra}
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def login(client: Client, login_name: str, password: str = PASSWORD) -> str:
    response = await client.post("/api/v1/auth/login", json={"username": login_name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def sign_up(client: Client, username: str, **extra: object) -> Account:
    await register(client, username, **extra)
    return Account(username, f"{username}@example.com", await login(client, username))
