"""bench/common/wrk.py drives a real wrk against a tiny local server: every path in the cycle is
requested, and non-2xx answers are counted by status rather than lumped together."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.common.wrk import lua_string, run_wrk, wrk_path

pytestmark = pytest.mark.skipif(wrk_path() is None, reason="wrk is not installed (Debian package `wrk`)")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: Counter[str] = Counter()

    def do_GET(self) -> None:
        type(self).seen[self.path] += 1
        status = 404 if self.path.startswith("/missing") else 200
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_cycles_every_path_and_counts_statuses(server: str) -> None:
    _Handler.seen.clear()
    paths = ["/a?q=caf%C3%A9", "/b", "/missing"]
    result = run_wrk(server, paths, connections=2, seconds=1)
    assert result.requests > 3
    assert set(_Handler.seen) == set(paths)
    assert set(result.non_2xx) == {404}
    # Requests still in flight when wrk stops reach the server but are never counted by wrk.
    assert _Handler.seen["/missing"] - 2 <= result.non_2xx[404] <= _Handler.seen["/missing"]
    assert result.p50_ms <= result.p99_ms <= result.max_ms


def test_lua_string_escapes_quotes_and_non_ascii() -> None:
    assert lua_string('a"b\\c') == '"a\\034b\\092c"'
    assert lua_string("é") == '"\\195\\169"'
