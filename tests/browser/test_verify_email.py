"""The link in the verification mail, followed as a person would: from the .eml file to the page."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from playwright.async_api import expect

from app.config import Settings
from tests.browser.conftest import Console, screenshot
from tests.support.live_server import serve

PASSWORD = "correct horse battery"


def link_in_mail(settings: Settings) -> str:
    mails = sorted((settings.data_dir / "mail").glob("*.eml"))
    assert len(mails) == 1, mails
    message = message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    links = [line.strip() for line in body.get_content().splitlines() if "/verify-email?token=" in line]
    assert len(links) == 1, body.get_content()
    return links[0]


async def test_the_mailed_link_opens_on_this_port_and_confirms_the_address(
    settings: Settings, page: Any, console: Console
) -> None:
    with serve(settings) as base:
        assert not base.endswith(":8000"), "the point is a port other than the default"
        registered = await page.request.post(
            f"{base}/api/v1/auth/register",
            data={"username": "ada", "email": "ada@example.org", "password": PASSWORD},
        )
        assert registered.status == 201
        link = link_in_mail(settings)
        assert link.startswith(f"{base}/verify-email?token=")

        await page.goto(link)
        outcome = page.locator("#outcome")
        await expect(outcome).to_have_attribute("data-state", "done")
        await expect(page.locator("#outcome-title")).to_have_text("Your e-mail address is confirmed")
        await expect(page.locator("#outcome-text")).to_contain_text("Thank you, ada.")
        assert "token" not in page.url, "the token leaves the address bar"
        await screenshot(page, "verify-email-confirmed")
        assert console.errors == []

        login = await page.request.post(
            f"{base}/api/v1/auth/login", data={"username": "ada", "password": PASSWORD}
        )
        token = (await login.json())["access_token"]
        me = await page.request.get(f"{base}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert (await me.json())["is_verified"] is True

        # A link altered on the way says so, in words.
        tampered = link[:-2] + ("AA" if not link.endswith("AA") else "BB")
        await page.goto(tampered)
        await expect(outcome).to_have_attribute("data-state", "failed")
        await expect(page.locator("#outcome-title")).to_have_text("This link no longer works")
        await expect(page.locator("#outcome-text")).to_contain_text("was not confirmed")
        await screenshot(page, "verify-email-refused")

        await page.goto(f"{base}/verify-email")
        await expect(page.locator("#outcome-title")).to_have_text("This link is incomplete")
