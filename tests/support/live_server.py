"""The real app under uvicorn, in a thread, on a free local port: what a client over HTTP sees.

Optionally with the background tasks `levelith serve` starts (the in-process indexer), so fault
tests exercise the app exactly as it is deployed; the browser tests use it without them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Sequence

from app.asgi import BackgroundTask
from app.config import Settings


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(settings: Settings, *, background: Sequence[BackgroundTask] = ()) -> Iterator[str]:
    """Yield the base URL of create_app(settings, background=...) running under uvicorn."""
    import uvicorn

    from app.asgi import create_app
    from app.server import server_options

    sock = free_socket()
    port = sock.getsockname()[1]
    # As `levelith serve` does: mailed links point at this server unless PUBLIC_BASE_URL is set.
    app = create_app(settings.served_at("127.0.0.1", port), background=background)
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", access_log=False, **server_options(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        raise RuntimeError("the app did not start under uvicorn within 15 seconds")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
