"""How uvicorn serves the app: which proxies are trusted, and how long a connection may idle.

uvicorn trusts X-Forwarded-For from 127.0.0.1 by default, so a client on the same host could
choose its own address and escape per-client limits; here forwarded headers are read only from
TRUSTED_PROXIES (none by default). uvicorn has a keep-alive timeout but no timeout for reading
a request's headers: a client sending a request a byte at a time holds its connection forever.
`HeaderTimeoutProtocol` closes a connection whose request headers are not complete within
HTTP_HEADER_TIMEOUT_SECONDS of its first byte (or of the connection being opened).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings

# h11/httptools refuse request heads over this size (uvicorn's default is 16 KiB for h11 only).
MAX_INCOMPLETE_EVENT_BYTES = 16 * 1024


class HeaderTimeoutProtocol(HttpToolsProtocol):
    _header_timer: asyncio.TimerHandle | None = None

    def __init__(self, *args: Any, header_timeout: float = 10.0, **kwargs: Any) -> None:
        self.header_timeout = header_timeout
        super().__init__(*args, **kwargs)

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timer_expired)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timer_expired(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)


def server_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for uvicorn.run / uvicorn.Config (besides the app and address)."""
    # A partial of a module-level class, not a class made here: with several workers uvicorn
    # pickles its config into each spawned process, and only importable classes pickle.
    return {
        "http": partial(HeaderTimeoutProtocol, header_timeout=settings.http_header_timeout),
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": ",".join(settings.trusted_proxies) or None,
        "timeout_keep_alive": settings.http_keep_alive_timeout,
        "h11_max_incomplete_event_size": MAX_INCOMPLETE_EVENT_BYTES,
        "server_header": False,
    }
