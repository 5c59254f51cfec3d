"""Deliver an EmailMessage: through SMTP (`smtp://` or `smtps://user:pass@host:port`, with
`?starttls=1` to upgrade a plain connection) when Settings.smtp_url is set, or into
`<data_dir>/mail/*.eml` (and the log) when it is not, so a developer can read the mail.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from app.config import Settings

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


class MailError(Exception):
    """The message could not be handed over."""


def _send_smtp(smtp_url: str, message: EmailMessage) -> None:
    url = urlsplit(smtp_url)
    if url.scheme not in {"smtp", "smtps"} or not url.hostname:
        raise MailError("SMTP_URL must look like smtp://user:password@host:port")
    secure = url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    smtp_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with smtp_class(url.hostname, port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if not secure and parse_qs(url.query).get("starttls") == ["1"]:
            smtp.starttls(context=ssl.create_default_context())
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def _write_file(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{time.time_ns()}.eml"
    path.write_bytes(message.as_bytes())
    return path


async def send_mail(settings: Settings, message: EmailMessage) -> None:
    if "From" not in message:
        message["From"] = settings.mail_from
    if settings.smtp_url:
        try:
            await asyncio.to_thread(_send_smtp, settings.smtp_url, message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP delivery failed: {exc}") from exc
        return
    path = await asyncio.to_thread(_write_file, settings.data_dir / "mail", message)
    log.info("mail to %s (%s) written to %s", message["To"], message["Subject"], path)


async def deliver_quietly(settings: Settings, message: EmailMessage) -> None:
    """send_mail for a background task: a failure is logged, since no one is waiting for it."""
    try:
        await send_mail(settings, message)
    except MailError:
        log.exception("mail to %s (%s) not delivered", message["To"], message["Subject"])
