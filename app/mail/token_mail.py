"""Mail that carries a signed token: a link that opens a page with it, and the token itself
for API clients. Each kind (verification, password reset) is one TokenMail."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlencode

from app.config import Settings


@dataclass(frozen=True, slots=True)
class TokenMail:
    page: str
    subject: str
    # str.format fields: {username}, {link} and {token} (values are inserted as they are).
    text: str

    def message(self, username: str, email: str, token: str, settings: Settings) -> EmailMessage:
        link = settings.public_url(f"{self.page}?{urlencode({'token': token})}")
        message = EmailMessage()
        message["To"] = email
        message["Subject"] = self.subject
        message.set_content(self.text.format(username=username, link=link, token=token))
        return message
