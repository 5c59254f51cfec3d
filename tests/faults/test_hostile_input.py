"""Hostile input over HTTP: whatever a client sends is plain text, a clear 4xx, never a 5xx.

Search strings with Lucene and SQL syntax, control characters, NUL, invalid UTF-8 (raw bytes and
percent-encoded) and 100 KB lengths; page sizes and offsets at and beyond their caps on every
list endpoint of the OpenAPI document; oversized JSON bodies on every write endpoint.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from app.config import Settings
from tests.faults.conftest import bearer, register
from tests.support.live_server import free_socket, serve

SEARCH_ENDPOINTS = ["/api/v1/naics/search", "/api/v1/naics/autocomplete", "/api/v1/experiences/search"]

HOSTILE_TEXT = [
    'title:(software OR "dental")^10 AND NOT code:[* TO *]',
    'soft* ~2 /reg.?ex/ && || ! ( ) { } [ ] ^ " ~ * ? : \\ /',
    '"unbalanced',
    "\\",
    "'; DROP TABLE users; --",
    "%' OR '1'='1",
    "_%_%",
    "1); SELECT pg_sleep(5); --",
    "$argon2id$v=19$",
    "a\x01b\x1fc\x7fd",
    "dental\x00hygienist",
    "\x00",
    "\u202edental\u200b",
    "🦷 dent",
    "\uff53\uff4f\uff46\uff54\uff57\uff41\uff52\uff45",  # full-width "software"
]

KNOWN_VALUES = {"experience_type": "gig"}  # required parameters documented as plain strings
OVERSIZED = 2 * 1024 * 1024  # the app refuses bodies over 1 MiB


async def _client(base: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
        yield http


@pytest.fixture
async def live(indexed: Settings) -> AsyncIterator[httpx.AsyncClient]:
    # Every request of these tests must reach the input checks, not the per-client limits.
    unlimited = dataclasses.replace(indexed, rate_limit_account_per_minute=0, rate_limit_search_per_minute=0)
    with serve(unlimited) as base:
        async for http in _client(base):
            yield http


@pytest.fixture
async def live_without_engine(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its engine unreachable (a closed local port): searches answer from PostgreSQL."""
    closed = free_socket()
    dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    with serve(dataclasses.replace(settings, opensearch_url=dead, opensearch_timeout=0.5)) as base:
        async for http in _client(base):
            yield http


def _plain_text_or_named_422(response: httpx.Response, field: str, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:500]}"
    if response.status_code == 422:
        assert response.json().get("field") == field, f"{what}: {response.text[:500]}"
    else:
        assert response.status_code == 200, f"{what}: {response.status_code} {response.text[:500]}"
        body = response.json()
        assert isinstance(body["items"], list) and body["engine"] in {"opensearch", "postgres", "memory"}


async def _search_hostile(http: httpx.AsyncClient, expected_engine: str) -> None:
    engines = set()
    for path in SEARCH_ENDPOINTS:
        for text in HOSTILE_TEXT:
            response = await http.get(path, params={"q": text})
            _plain_text_or_named_422(response, "q", f"{path} q={text!r}")
            assert response.status_code == 200, f"{path} q={text!r}: short text is searched, not refused"
            if response.json()["items"]:  # (an empty autocomplete consults no back end)
                engines.add(response.json()["engine"])
        # Too long: refused, naming the parameter; 100 KB never reaches a back end.
        response = await http.get(path, params={"q": "a" * 201})
        assert response.status_code == 422, f"{path} q of 201 chars: {response.status_code}"
        assert response.json()["field"] == "q"
        base = str(http.base_url).rstrip("/")
        for body in (b"a" * 10_000, b"%C3%A9" * 1_500):  # long, ASCII and percent-encoded
            status, data = _raw_get(base, path.encode() + b"?q=" + body)
            assert status == 422, f"{path} q of {len(body)} bytes: {data[:300]!r}"
            assert b'"field":"q"' in data
        for body in (b"a" * 100_000, b"%C3%A9" * 17_000):  # 100 KB: refused by the HTTP server already
            status, data = _raw_get(base, path.encode() + b"?q=" + body)
            assert status in (400, 414, 422), f"{path} q of {len(body)} bytes: {data[:300]!r}"
        # Filters are values, not syntax: an unknown value is a 422 naming the parameter.
        if path != "/api/v1/naics/autocomplete":
            for name, value in (("sector", "54 OR 1=1"), ("category", "' OR ''='")):
                response = await http.get(path, params={"q": "software", name: value})
                assert response.status_code == 422, f"{path} {name}={value!r}: {response.text[:300]}"
                assert response.json()["field"] == name
    # Autocomplete answers from the process's own index ("memory") whichever engine is up.
    assert engines - {"memory"} == {expected_engine}


async def test_hostile_search_strings_are_plain_text_on_the_engine(live: httpx.AsyncClient) -> None:
    await _search_hostile(live, "opensearch")
    # Lucene syntax is not interpreted: a query-string wildcard would match everything.
    everything = (await live.get("/api/v1/naics/search", params={"q": "*"})).json()
    browse = (await live.get("/api/v1/naics/search", params={"q": ""})).json()
    assert everything["total"] <= browse["total"]


async def test_hostile_search_strings_are_plain_text_on_the_postgres_fallback(
    live_without_engine: httpx.AsyncClient,
) -> None:
    await _search_hostile(live_without_engine, "postgres")


def _raw_get(base: str, target: bytes) -> tuple[int, bytes]:
    """A GET whose request target is sent byte for byte (no client-side encoding or checks)."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


INVALID_UTF8_QUERIES = [
    b"q=%ff%fe%fd",  # percent-encoded bytes that are no UTF-8
    b"q=dent%c3%28al",  # a bad continuation byte
    b"q=%ed%a0%80",  # an encoded surrogate
    b"q=\xff\xfe",  # raw bytes on the wire
    b"q=dent\xc3(al",
    b"q=%00%00",
]


async def test_invalid_utf8_in_the_query_string_is_never_a_server_error(live: httpx.AsyncClient) -> None:
    base = str(live.base_url).rstrip("/")
    for query in INVALID_UTF8_QUERIES:
        for path in SEARCH_ENDPOINTS:
            status, data = _raw_get(base, path.encode() + b"?" + query)
            assert status in (200, 400, 422), f"{path}?{query!r}: {data[:500]!r}"
            assert b"Traceback" not in data


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]


def _required_query(operation: dict[str, Any], document: dict[str, Any]) -> dict[str, str]:
    """A valid value for each required query parameter (so only the one under test is wrong)."""
    values = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            schema = parameter.get("schema", {})
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            options = schema.get("enum") or [o["const"] for o in schema.get("oneOf", []) if "const" in o]
            values[parameter["name"]] = str(options[0]) if options else KNOWN_VALUES[parameter["name"]]
    return values


def _concrete(path: str, username: str) -> str:
    return (
        path.replace("{username}", username)
        .replace("{code}", "54")
        .replace("{category}", "technology")
        .replace("{experience_id}", "0" * 32)
    )


async def test_every_list_endpoint_caps_page_size_and_offset(live: httpx.AsyncClient) -> None:
    username, _, token = await register(live)
    document = (await live.get("/schema/openapi.json")).json()
    lists = [
        (path, operation)
        for method, path, operation in _operations(document)
        if method == "GET" and any(p["name"] == "limit" for p in operation.get("parameters", []))
    ]
    assert len(lists) >= 6, [path for path, _ in lists]
    for path, operation in lists:
        url = _concrete(path, username)
        has_offset = any(p["name"] == "offset" for p in operation["parameters"])
        for limit in ("1000", "1000000", str(10**30), "-1", "0", "abc"):
            params = {**_required_query(operation, document), "limit": limit}
            response = await live.get(url, params=params, headers=bearer(token))
            what = f"GET {url}?limit={limit}"
            assert response.status_code < 500, f"{what}: {response.text[:300]}"
            if response.status_code == 200:
                body = response.json()
                items = body if isinstance(body, list) else body["items"]
                assert len(items) <= 100, what
                if isinstance(body, dict) and "limit" in body:
                    assert body["limit"] <= 100, what
            else:
                assert response.status_code == 422, f"{what}: {response.status_code} {response.text[:300]}"
                assert response.json().get("field") == "limit", f"{what}: {response.text[:300]}"
        if not has_offset:
            continue
        for offset in ("10000", "1000000", str(10**30), "-1", "abc"):
            params = {**_required_query(operation, document), "offset": offset}
            response = await live.get(url, params=params, headers=bearer(token))
            what = f"GET {url}?offset={offset}"
            assert response.status_code < 500, f"{what}: {response.text[:300]}"
            if response.status_code == 200:
                body = response.json()
                items = body if isinstance(body, list) else body["items"]
                assert items == [], what
            else:
                assert response.status_code == 422, f"{what}: {response.status_code} {response.text[:300]}"
                assert response.json().get("field") == "offset", f"{what}: {response.text[:300]}"


async def test_oversized_bodies_are_refused_on_every_write_endpoint(live: httpx.AsyncClient) -> None:
    username, _, token = await register(live)
    document = (await live.get("/schema/openapi.json")).json()
    writes = [
        (method, _concrete(path, username))
        for method, path, operation in _operations(document)
        if method in {"POST", "PUT", "PATCH"} and "requestBody" in operation
    ]
    assert len(writes) >= 8, writes
    payload = b'{"title": "' + b"x" * OVERSIZED + b'"}'
    for method, url in writes:
        response = await live.request(
            method, url, content=payload, headers={**bearer(token), "Content-Type": "application/json"}
        )
        assert response.status_code == 413, f"{method} {url}: {response.status_code} {response.text[:300]}"


async def test_nul_characters_in_a_body_are_a_422_naming_the_field(live: httpx.AsyncClient) -> None:
    _, _, token = await register(live)
    cases = [
        ({"experience_type": "gig", "title": "Night\x00shift"}, "title"),
        (
            {"experience_type": "gig", "title": "Gig", "experience_metadata": {"note\x00": 1}},
            "experience_metadata",
        ),
        ({"experience_type": "gig", "title": "Gig", "tags": ["ok", "bad\x00tag"]}, "tags[1]"),
    ]
    for body, field in cases:
        response = await live.post("/api/v1/experiences", json=body, headers=bearer(token))
        assert response.status_code == 422, f"{body!r}: {response.status_code} {response.text[:300]}"
        assert response.json()["field"].startswith(field), response.text
    profile = await live.patch(
        "/api/v1/users/me", json={"profile_data": {"bio": "hi\x00there"}}, headers=bearer(token)
    )
    assert profile.status_code == 422, profile.text
    assert profile.json()["field"] == "profile_data.bio"
    # Nothing half-written: the account still answers and has no experience.
    assert (await live.get("/api/v1/users/me", headers=bearer(token))).status_code == 200


async def test_hostile_path_segments_are_404_or_422(live: httpx.AsyncClient) -> None:
    for segment in ["%00", "a%00b", "%ff", "..%2F..%2Fetc%2Fpasswd", "' OR 1=1 --", "x" * 5000]:
        for template in [
            "/api/v1/users/{}",
            "/api/v1/users/{}/experiences",
            "/api/v1/users/{}/resume.json",
            "/api/v1/experiences/{}",
            "/api/v1/naics/{}",
            "/api/v1/naics/{}/children",
            "/api/v1/naics/categories/{}/codes",
        ]:
            status, data = _raw_get(str(live.base_url).rstrip("/"), template.format(segment).encode())
            assert status in (400, 404, 422), f"{template.format(segment)[:200]}: {data[:400]!r}"


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


async def _writes(live: httpx.AsyncClient, username: str) -> list[tuple[str, str]]:
    document = (await live.get("/schema/openapi.json")).json()
    return [
        (method, _concrete(path, username))
        for method, path, operation in _operations(document)
        if method in {"POST", "PUT", "PATCH"} and "requestBody" in operation
    ]


async def test_deep_strange_and_empty_bodies_are_a_4xx_naming_the_problem(live: httpx.AsyncClient) -> None:
    """Every write endpoint, signed in and not: nesting (1,000 and 100,000 levels, the decoder's
    recursion limit), other media types, empty and non-JSON bodies. Never a 5xx."""
    username, _, token = await register(live)
    writes = await _writes(live, username)
    assert len(writes) >= 8, writes
    deep_metadata = b'{"experience_type": "gig", "title": "x", "experience_metadata": ' + (
        b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}"
    )
    bodies = [
        (_deep(1000), "application/json", 422, "too_deep"),
        (_deep(100_000), "application/json", 422, "too_deep"),
        (b'{"a": "' + b"[" * 2000 + b'"}', "application/json", None, None),  # brackets in a string
        (deep_metadata, "application/json", 422, "too_deep"),
        (b'{"title": "x"', "application/json", 422, "malformed_json"),
        (b"\xff\xfe not json", "application/json", 422, "malformed_json"),
        (b"", "application/json", 422, "empty_body"),
        (b'{"title": "x"}', "text/plain", 415, "unsupported_media_type"),
        (b"title=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"[1, 2, 3]", "application/json", None, None),
        (b'"just a string"', "application/json", None, None),
        (b"null", "application/json", None, None),
    ]
    for headers in ({}, bearer(token)):
        for method, url in writes:
            for content, media_type, status, error in bodies:
                what = f"{method} {url} {content[:40]!r} as {media_type} (signed in: {bool(headers)})"
                response = await live.request(
                    method, url, content=content, headers={**headers, "Content-Type": media_type}
                )
                assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
                if response.status_code < 400:  # a body some endpoint accepts (the resume ignores "a")
                    assert status is None, what
                    continue
                body = response.json()
                assert body["request_id"] == response.headers["x-request-id"], what
                assert response.headers["content-security-policy"], what
                if status is not None and response.status_code not in (401, 403):
                    assert (response.status_code, body["error"]) == (status, error), (
                        f"{what}: {response.text[:300]}"
                    )
                    if error == "empty_body" and body["errors"]:
                        assert all(item["field"] for item in body["errors"]), what


async def test_blank_strings_newline_names_and_script_urls_are_422_naming_the_field(
    live: httpx.AsyncClient,
) -> None:
    _, _, token = await register(live)
    auth = bearer(token)
    cases = [
        ("POST", "/api/v1/experiences", {"experience_type": "gig", "title": "   "}, "title"),
        ("POST", "/api/v1/experiences", {"experience_type": "gig", "title": "x", "tags": [" "]}, "tags[0]"),
        (
            "POST",
            "/api/v1/experiences",
            {"experience_type": "gig", "title": "x", "experience_metadata": {"url": "javascript:alert(1)"}},
            "experience_metadata.url",
        ),
        ("PATCH", "/api/v1/users/me", {"username": "alice\n"}, "username"),
        (
            "PATCH",
            "/api/v1/users/me",
            {"profile_data": {"website": "javascript:alert(1)"}},
            "profile_data.website",
        ),
        (
            "PATCH",
            "/api/v1/users/me",
            {"profile_data": {"website": "https://ok.example/\n"}},
            "profile_data.website",
        ),
        (
            "POST",
            "/api/v1/users/me/resume",
            {"work": [{"name": "A", "url": "javascript:alert(1)"}]},
            "work[0].url",
        ),
        ("POST", "/api/v1/users/me/resume", {"basics": {"url": "data:text/html,x"}}, "basics.url"),
    ]
    for method, url, body, field in cases:
        response = await live.request(method, url, json=body, headers=auth)
        assert response.status_code == 422, (
            f"{method} {url} {body!r}: {response.status_code} {response.text[:300]}"
        )
        assert response.json()["field"] == field, f"{body!r}: {response.text[:300]}"
    signup = {"username": "alice\n", "email": "alice@example.org", "password": "correct horse battery"}
    response = await live.post("/api/v1/auth/register", json=signup)
    assert (response.status_code, response.json()["field"]) == (422, "username")
    fine = await live.patch(
        "/api/v1/users/me", json={"profile_data": {"website": "mailto:me@example.org"}}, headers=auth
    )
    assert fine.status_code == 200, fine.text
