"""Security properties a user would notice, checked against the real app over HTTP.

- No response of any GET endpoint (crawled from the OpenAPI document, anonymously and as each of
  two users) contains the other user's e-mail address or any password hash.
- Tokens expire; admin endpoints (every handler that asks for `admin_user`) refuse non-admins.
- The code never builds SQL from interpolated text and never builds search DSL from query syntax.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import secrets
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from litestar.routes import HTTPRoute
from sqlalchemy.ext.asyncio import AsyncSession

from app.asgi import create_app
from app.auth.tokens import PASSWORD_CLAIM, issue_token, read_claims
from app.config import Settings
from app.services.accounts import AccountService
from tests.faults.conftest import PASSWORD, bearer, register
from tests.support.live_server import serve
from tests.support.paths import REPO_ROOT

HASH_MARKERS = ("$argon2", "$2b$", "$pbkdf2", "password_hash")


def _get_operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, item["get"])
        for path, item in document["paths"].items()
        if "get" in item and isinstance(item["get"], dict)
    ]


def _urls(path: str, usernames: list[str], experience_ids: list[str]) -> list[str]:
    """Every concrete URL for a templated path, each user's resources in turn."""
    urls = [path.replace("{code}", "541511").replace("{category}", "technology")]
    if "{username}" in path:
        urls = [u.replace("{username}", name) for u in urls for name in usernames]
    if "{experience_id}" in path:
        urls = [u.replace("{experience_id}", eid) for u in urls for eid in experience_ids]
    return urls


async def _person(http: httpx.AsyncClient) -> dict[str, Any]:
    username, email, token = await register(http)
    profile = {"bio": f"I am {username}", "social": {"github": username}}
    assert (
        await http.patch("/api/v1/users/me", json={"profile_data": profile}, headers=bearer(token))
    ).is_success
    created = await http.post(
        "/api/v1/experiences",
        json={"experience_type": "full_time", "title": f"Engineer ({username})", "naics_code": "541511"},
        headers=bearer(token),
    )
    assert created.status_code == 201, created.text
    return {"username": username, "email": email, "token": token, "experience": created.json()["id"]}


async def test_no_endpoint_reveals_another_users_email_or_a_password_hash(settings: Settings) -> None:
    with serve(settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
            alice, bob = await _person(http), await _person(http)
            document = (await http.get("/schema/openapi.json")).json()
            operations = _get_operations(document)
            assert len(operations) >= 20
            viewers = {
                "anonymous": (None, []),
                "alice": (alice, [bob["email"]]),
                "bob": (bob, [alice["email"]]),
            }
            crawled = 0
            own_email_seen = False
            for path, _ in operations:
                for url in _urls(
                    path, [alice["username"], bob["username"]], [alice["experience"], bob["experience"]]
                ):
                    for viewer, (person, forbidden) in viewers.items():
                        headers = bearer(person["token"]) if person else {}
                        response = await http.get(url, headers=headers)
                        crawled += 1
                        assert response.status_code < 500, f"{viewer} GET {url}: {response.text[:300]}"
                        body = response.text
                        if person is None:
                            forbidden = [alice["email"], bob["email"]]
                        for email in forbidden:
                            assert email not in body, f"{viewer} sees {email} at GET {url}"
                        for marker in HASH_MARKERS:
                            assert marker not in body, f"{viewer} sees {marker!r} at GET {url}"
                        own_email_seen |= person is not None and person["email"] in body
            # The crawl reached the pages that do carry an e-mail (the owner's own /users/me, resume.json).
            assert own_email_seen
            assert crawled > 60


async def test_an_expired_token_is_refused(settings: Settings) -> None:
    with serve(settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
            _, _, token = await register(http)
            me = (await http.get("/api/v1/users/me", headers=bearer(token))).json()
            fresh = token
            # The live token's own claims (its password fingerprint too), only expired: refused
            # for its age alone, not for a claim a real token would carry.
            claims = {PASSWORD_CLAIM: read_claims(token, settings)[PASSWORD_CLAIM]}
            expired = issue_token(me["id"], settings, ttl=-1, claims=claims)
            assert (await http.get("/api/v1/users/me", headers=bearer(fresh))).status_code == 200
            refused = await http.get("/api/v1/users/me", headers=bearer(expired))
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"] == "Bearer"
            late = {"experience_type": "gig", "title": "Too late"}
            created = await http.post("/api/v1/experiences", json=late, headers=bearer(expired))
            assert created.status_code == 401


def _admin_routes(settings: Settings) -> list[tuple[str, str]]:
    """(method, path) of every handler that asks for `admin_user`, from the app itself."""
    app = create_app(settings)
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if "admin_user" in handler.parsed_fn_signature.parameters:
                found.extend((method, route.path_format) for method in handler.http_methods)
    return sorted(found)


async def test_admin_endpoints_refuse_non_admins(settings: Settings, db_session: AsyncSession) -> None:
    admin_routes = _admin_routes(settings)
    assert ("GET", "/api/v1/admin/search/status") in admin_routes
    assert ("PATCH", "/api/v1/naics/{code}") in admin_routes
    bodies = {"PATCH": {"admin_notes": "changed by a test"}}
    with serve(settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
            user, _, user_token = await register(http)
            admin, _, admin_token = await register(http)
            await AccountService(db_session, settings).set_admin(admin, True)
            await db_session.commit()
            for method, path in admin_routes:
                url = path.replace("{code}", "541511")
                body = bodies.get(method)
                anonymous = await http.request(method, url, json=body)
                assert anonymous.status_code == 401, f"anonymous {method} {url}: {anonymous.status_code}"
                refused = await http.request(method, url, json=body, headers=bearer(user_token))
                assert refused.status_code == 403, f"{user} {method} {url}: {refused.status_code}"
                allowed = await http.request(method, url, json=body, headers=bearer(admin_token))
                assert allowed.status_code == 200, (
                    f"admin {method} {url}: {allowed.status_code} {allowed.text}"
                )
            detail = (await http.get("/api/v1/naics/541511")).json()
            assert detail.get("admin_notes") in (None, "changed by a test")  # only the admin's write landed


# ---------------------------------------------------------------- parameterised queries, by inspection

SOURCES = sorted([*(REPO_ROOT / "app").rglob("*.py"), *(REPO_ROOT / "indexer").rglob("*.py")])
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|ORDER BY|LIMIT|OFFSET|SET)\b")
# Interpolating a module constant (e.g. a shared WHERE fragment) is composition, not user input.
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_text(v) for v in node.values)
    return ""


def _dynamic_parts(node: ast.AST) -> list[str]:
    """Source of every non-constant value interpolated into a string-building expression."""
    parts: list[ast.AST] = []
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        parts = [side for side in (node.left, node.right) if not isinstance(side, ast.Constant)]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        parts = [*node.args, *(k.value for k in node.keywords)]
    return [ast.unparse(p) for p in parts if not _is_constant(p)]


def _is_constant(node: ast.AST) -> bool:
    """A module constant, or one entry of it picked by a literal key (``COLUMNS["sic_codes"]``)."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and _is_constant(node.value)
    return isinstance(node, ast.Name) and bool(CONSTANT.match(node.id))


def _import_time_builders(tree: ast.Module) -> set[str]:
    """Module functions that only ever run while the module is imported: every reference to them
    is in module-level code or in another such function, never in code a request runs. What they
    format is fixed before the first request (e.g. tier conditions assembled into one statement)."""
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    users: dict[str, set[str]] = {name: set() for name in functions}

    def visit(node: ast.AST, owner: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            # A top-level def speaks for itself; a method, nested def or lambda runs later, if ever.
            owner = node.name if owner == "<module>" and node in tree.body else "<runtime>"
        elif isinstance(node, ast.ClassDef):
            owner = "<runtime>"
        if isinstance(node, ast.Name) and node.id in users:
            users[node.id].add(owner)
        for child in ast.iter_child_nodes(node):
            visit(child, owner)

    visit(tree, "<module>")
    builders = {name for name in functions if users[name]}
    changed = True
    while changed:
        changed = False
        for name in sorted(builders):
            if not users[name] <= {"<module>", name, *builders}:
                builders.discard(name)
                changed = True
    return builders


# Reviewed sites that compose SQL text in code: each joins fragments written in the module (column
# names, facet templates, one LIKE clause per query word) and takes no request value; every value
# a user sends is a bind parameter. Ruff's S608 flags these too (they carry `noqa: S608`). A new
# site fails the test below until it is reviewed and added here.
REVIEWED_COMPOSITION = {
    ("app/repositories/experience_search_pg.py", "_facet"),
    ("app/repositories/experience_search_pg.py", "_statement"),
    ("app/repositories/naics_search_pg.py", "_facet"),
}


def _import_time_sql_builders(tree: ast.Module) -> set[str]:
    """The import-time builders that write SQL."""
    builders = _import_time_builders(tree)
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in builders
        if any(SQL_WORDS.search(_literal_text(part)) for part in ast.walk(node))
    }


def _string_built_sql(path: Path, root: Path = REPO_ROOT) -> list[tuple[str, str, int, list[str]]]:
    """(file, enclosing function, line, interpolated values) of every SQL string built at runtime."""
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    import_time = _import_time_builders(tree)

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if function == "<module>" and node.name in import_time:
                return
            function = node.name
        literal = ""
        if isinstance(node, ast.JoinedStr):
            literal = _literal_text(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            literal = _literal_text(node.left) + _literal_text(node.right)
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        ):
            literal = _literal_text(node.func.value)
        if literal and SQL_WORDS.search(literal) and (dynamic := _dynamic_parts(node)):
            found.append((str(path.relative_to(root)), function, node.lineno, dynamic))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_no_sql_is_built_from_interpolated_values() -> None:
    assert len(SOURCES) > 50
    sites = [site for path in SOURCES for site in _string_built_sql(path)]
    unreviewed = [site for site in sites if (site[0], site[1]) not in REVIEWED_COMPOSITION]
    assert unreviewed == [], "SQL text built from runtime values; use bound parameters:\n" + "\n".join(
        map(str, unreviewed)
    )
    # An import-time builder stays one only while no other module can call it with request text.
    imported_elsewhere = [
        (str(path.relative_to(REPO_ROOT)), alias.name)
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if (module := REPO_ROOT / (node.module.replace(".", "/") + ".py")) != path
        and module.exists()
        and alias.name in _import_time_sql_builders(ast.parse(module.read_text()))
    ]
    assert imported_elsewhere == []
    # The reviewed builders take no text at all: only counts and names fixed in the module.
    from app.repositories import experience_search_pg

    # (with `from __future__ import annotations` each annotation is its source text)
    parameters = inspect.signature(experience_search_pg._statement).parameters.values()
    assert parameters and {str(p.annotation) for p in parameters} <= {"bool", "int"}


def test_the_sql_check_catches_string_built_sql(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sqlalchemy import text\n"
        "def find(name):\n"
        "    a = text(f\"SELECT * FROM users WHERE username = '{name}'\")\n"
        "    b = 'DELETE FROM users WHERE id = %s' % name\n"
        "    c = 'UPDATE users SET bio = {}'.format(name)\n"
        "    d = text(f'SELECT 1 WHERE {_SHARED_FILTER}')\n"
        "COLUMNS = {'sic': 'n.sic_codes'}\n"
        "e = f\"SELECT {COLUMNS['sic']} FROM naics_codes\"\n"
        'f = f"SELECT {COLUMNS[input()]} FROM naics_codes"\n'
        "def _condition(column):\n"
        "    return f'{column} IN (SELECT code FROM naics_codes)'\n"
        "CONDITION = _condition('n.code')\n"
        "def _where(value):\n"
        "    return f'WHERE code = {value}'\n"
        "def handle(name):\n"
        "    return _where(name)\n"
    )
    found = _string_built_sql(bad, tmp_path)
    # Built from a runtime value: caught (a builder a request function calls included); a module
    # constant, an entry of one by a literal key, a builder that only runs at import: allowed.
    assert sorted(line for _, _, line, _ in found) == [3, 4, 5, 9, 14], found


def _scope_lookup_keys(node: ast.AST) -> list[ast.AST]:
    """Keys read from an ASGI scope: ``<...>.scope["k"]`` and ``<...>.scope.get("k", ...)``."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "scope"
    ):
        return [node.slice]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "scope"
        and node.args
    ):
        return [node.args[0]]
    return []


def test_no_search_dsl_interprets_query_syntax_or_is_built_from_strings() -> None:
    offenders = []
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        # The ASGI scope's "query_string" (the raw URL query) is no search DSL.
        scope_keys = {id(key) for node in ast.walk(tree) for key in _scope_lookup_keys(node)}
        for node in ast.walk(tree):
            # Lucene query syntax from users would be interpreted: query_string is never used.
            if (
                isinstance(node, ast.Constant)
                and node.value in ("query_string", "simple_query_string")
                and id(node) not in scope_keys
            ):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {node.value}")
            # DSL is built as dicts; JSON text assembled from strings could be injected into.
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("loads", "decode")
                and node.args
                and isinstance(node.args[0], ast.JoinedStr | ast.BinOp)
            ):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: JSON built from strings")
    assert offenders == [], "\n".join(offenders)


async def test_forwarded_headers_count_only_from_trusted_proxies(settings: Settings) -> None:
    """uvicorn's default trusts X-Forwarded-For from 127.0.0.1; with TRUSTED_PROXIES empty it must
    not, so a client cannot pick its own address to escape a per-client limit or lockout."""

    def signup(n: int) -> dict[str, str]:
        name = f"fwd_{n}_{secrets.token_hex(3)}"
        return {"username": name, "email": f"{name}@example.org", "password": PASSWORD}

    for trusted, expected in (([], 429), (["127.0.0.1"], 201)):
        with serve(replace(settings, rate_limit_account_per_minute=1, trusted_proxies=trusted)) as base:
            async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
                first = await http.post(
                    "/api/v1/auth/register", json=signup(1), headers={"X-Forwarded-For": "10.0.0.1"}
                )
                assert first.status_code == 201, first.text
                other = await http.post(
                    "/api/v1/auth/register", json=signup(2), headers={"X-Forwarded-For": "10.9.9.9"}
                )
                assert other.status_code == expected, f"trusted={trusted}: {other.text[:200]}"
    with serve(settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
            username, email, _ = await register(http)
            for name in (username, email) * 3:
                wrong = {"username": name, "password": "not the password at all"}
                await http.post("/api/v1/auth/login", json=wrong)
            right = {"username": email, "password": PASSWORD}
            locked = await http.post(
                "/api/v1/auth/login", json=right, headers={"X-Forwarded-For": "10.9.9.9"}
            )
            assert locked.status_code == 429 and locked.headers["retry-after"], locked.text[:200]


def _closed_by_server(base: str, partial: bytes) -> bool:
    """Send `partial` (an unfinished request) and report whether the server closes the connection
    by itself (recv returns b"") rather than waiting forever (the socket's own timeout)."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=20) as conn:
        conn.sendall(partial)
        try:
            return conn.recv(65536) == b""
        except TimeoutError:
            return False


async def test_a_request_whose_headers_never_finish_is_dropped(settings: Settings) -> None:
    with serve(replace(settings, http_header_timeout=0.5)) as base:
        assert await asyncio.to_thread(
            _closed_by_server, base, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1"
        )
        assert await asyncio.to_thread(_closed_by_server, base, b"")  # connected, sent nothing
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
            response = await http.get("/health")
            assert response.status_code == 200 and "server" not in response.headers
