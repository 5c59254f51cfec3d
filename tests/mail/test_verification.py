"""E-mail verification through a real SMTP server (aiosmtpd) and the .eml fallback."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.auth.tokens import issue_token
from app.config import Settings
from app.services.verification_mail import VERIFY_PURPOSE, VERIFY_TTL_SECONDS
from tests.support.accounts import register, sign_up

TOKEN = re.compile(r"token=([A-Za-z0-9_\-.]+)")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[tuple[bytes, bytes]] = []

    def authenticate(
        self, server: object, session: Session, envelope: Envelope, mechanism: str, data: object
    ):
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        return AuthResult(success=(data.login, data.password) == (b"levelith", b"s3cret:/x"))

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_app(settings: Settings, inbox: tuple[Inbox, int]) -> Litestar:
    return create_app(replace(settings, smtp_url=f"smtp://levelith:s3cret%3A%2Fx@127.0.0.1:{inbox[1]}"))


def token_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    match = TOKEN.search(body.get_content())
    assert match, body.get_content()
    return match.group(1)


async def test_registration_mails_a_link_that_verifies_the_address(
    smtp_app: Litestar, inbox: tuple[Inbox, int]
) -> None:
    messages = inbox[0].messages
    async with AsyncTestClient(app=smtp_app) as client:
        ada = await sign_up(client, "ada")
        assert len(messages) == 1
        assert inbox[0].logins == [(b"levelith", b"s3cret:/x")]
        assert messages[0]["To"] == "ada@example.com"
        assert "verify-email?token=" in messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        token = token_in(messages[0])

        assert (await client.get("/api/v1/users/me", headers=ada.auth)).json()["is_verified"] is False
        tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        assert (await client.post("/api/v1/auth/verify", json={"token": tampered})).status_code == 401
        verified = await client.post("/api/v1/auth/verify", json={"token": token})
        assert verified.status_code == 200
        assert verified.json() == {"username": "ada", "is_verified": True}
        assert (await client.get("/api/v1/users/me", headers=ada.auth)).json()["is_verified"] is True


@pytest.mark.parametrize(
    ("public_base_url", "host", "expected"),
    [
        (None, "127.0.0.1", "http://127.0.0.1:8123/verify-email?token="),
        (None, "0.0.0.0", "http://localhost:8123/verify-email?token="),
        ("https://levelith.example/", "127.0.0.1", "https://levelith.example/verify-email?token="),
    ],
)
async def test_the_mailed_link_opens_where_the_service_answers(
    settings: Settings, inbox: tuple[Inbox, int], public_base_url: str | None, host: str, expected: str
) -> None:
    configured = replace(
        settings,
        public_base_url=public_base_url,
        smtp_url=f"smtp://levelith:s3cret%3A%2Fx@127.0.0.1:{inbox[1]}",
    )
    async with AsyncTestClient(app=create_app(configured.served_at(host, 8123))) as client:
        await sign_up(client, "ada")
    body = inbox[0].messages[0].get_body(("plain",))
    assert body is not None
    links = [line for line in body.get_content().splitlines() if "verify-email" in line]
    assert len(links) == 1 and links[0].startswith(expected), links


async def test_a_new_email_needs_verifying_again_and_old_links_stop_working(
    smtp_app: Litestar, inbox: tuple[Inbox, int]
) -> None:
    messages = inbox[0].messages
    async with AsyncTestClient(app=smtp_app) as client:
        ada = await sign_up(client, "ada")
        first = token_in(messages[0])
        changed = await client.patch("/api/v1/users/me", json={"email": "ada@new.example"}, headers=ada.auth)
        assert changed.json()["is_verified"] is False
        assert [m["To"] for m in messages] == ["ada@example.com", "ada@new.example"]
        assert (await client.post("/api/v1/auth/verify", json={"token": first})).status_code == 401
        second = token_in(messages[1])
        assert (await client.post("/api/v1/auth/verify", json={"token": second})).status_code == 200


async def test_expired_and_access_tokens_do_not_verify(client: AsyncTestClient, settings: Settings) -> None:
    created = await register(client, "ada")
    subject = f"{created['id']}:ada@example.com"
    expired = issue_token(subject, settings, purpose=VERIFY_PURPOSE, ttl=-1)
    access = issue_token(subject, settings)
    for token in (expired, access):
        assert (await client.post("/api/v1/auth/verify", json={"token": token})).status_code == 401
    assert VERIFY_TTL_SECONDS == 24 * 3600


async def test_without_smtp_the_mail_is_written_to_the_data_dir(
    client: AsyncTestClient, settings: Settings
) -> None:
    await register(client, "ada")
    files = list((settings.data_dir / "mail").glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "ada@example.com"
    token = token_in(message)  # type: ignore[arg-type]
    assert (await client.post("/api/v1/auth/verify", json={"token": token})).status_code == 200
