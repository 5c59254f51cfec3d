"""Throughput with wrk (a C load generator), cycling through many distinct request paths.

A Python load generator shares the two cores with the server it measures and caps the
fastest endpoints first, which flatters every "x of /health" ratio; wrk costs the server
far less CPU per request. wrk takes a single URL, so a generated Lua script rotates through
the given paths (each thread from its own offset, so threads don't replay the same
sequence in lockstep) and its done() callback writes the summary as JSON to a temp file.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WRK = "/usr/bin/wrk"
# wrk's own default (2 s) counts a slow reply as a socket timeout instead of a latency.
_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    # Responses outside 2xx by status code; wrk itself only counts >= 400.
    non_2xx: dict[int, int] = field(default_factory=dict)
    # connect / read / write / timeout, as wrk counts them.
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(self.non_2xx.values()) + sum(self.socket_errors.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            "non_2xx": {str(status): count for status, count in sorted(self.non_2xx.items())},
            "socket_errors": dict(self.socket_errors),
        }


def wrk_path() -> str | None:
    """The wrk binary, or None when it is not installed (Debian package `wrk`)."""
    if Path(WRK).is_file():
        return WRK
    return shutil.which("wrk")


def lua_string(text: str) -> str:
    """A Lua string literal: printable ASCII kept, every other byte as a decimal escape (LuaJIT-safe)."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if 32 <= byte < 127 and char not in {'"', "\\"}:
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(
    paths: Sequence[str],
    bodies: Sequence[str | None] | None,
    headers: Mapping[str, str],
    report_path: Path,
) -> str:
    if bodies is not None and len(bodies) != len(paths):
        raise ValueError("bodies must be as many as paths")
    rows = []
    for index, path in enumerate(paths):
        body = None if bodies is None else bodies[index]
        rows.append("{" + lua_string(path) + ", " + ("nil" if body is None else lua_string(body)) + "}")
    header_rows = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    json_headers = ", ".join(
        f"[{lua_string(k)}] = {lua_string(v)}"
        for k, v in {**headers, "Content-Type": headers.get("Content-Type", "application/json")}.items()
    )
    return _LUA_TEMPLATE % {
        "rows": ",\n".join(rows),
        "headers": header_rows,
        "json_headers": json_headers,
        "report": lua_string(str(report_path)),
    }


# request() only hands out pre-formatted strings, so the script adds no per-request formatting cost;
# response() exists to count statuses by code (wrk's summary lumps them together).
_LUA_TEMPLATE = """
local items = {
%(rows)s
}
local plain_headers = {%(headers)s}
local json_headers = {%(json_headers)s}
local requests = {}
local position = 0
statuses = {}
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count * 7919)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  for i, item in ipairs(items) do
    if item[2] == nil then
      requests[i] = wrk.format("GET", item[1], plain_headers)
    else
      requests[i] = wrk.format("POST", item[1], json_headers, item[2])
    end
  end
  position = (offset or 0) %% #requests
end

function request()
  position = position + 1
  if position > #requests then position = 1 end
  return requests[position]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for status, count in pairs(counts) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%%d": %%d', status, count))
  end
  local e = summary.errors
  local out = io.open(%(report)s, "w")
  out:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "statuses": {%%s}, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "timeout": %%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.timeout))
  out:close()
end
"""


def run_wrk(
    base_url: str,
    paths: Sequence[str],
    *,
    connections: int,
    seconds: float,
    threads: int = 1,
    headers: Mapping[str, str] | None = None,
    bodies: Sequence[str | None] | None = None,
) -> WrkResult:
    """Drive `base_url` for `seconds`, cycling through `paths` (POSTing `bodies[i]` as JSON when given)."""
    binary = wrk_path()
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian package `wrk`)")
    if not paths:
        raise ValueError("paths must not be empty")
    if connections < threads:
        raise ValueError("connections must be at least threads")
    split = urlsplit(base_url)
    root = f"{split.scheme}://{split.netloc}/"
    with tempfile.TemporaryDirectory(prefix="levelith-wrk-") as tmp:
        report = Path(tmp) / "report.json"
        script = Path(tmp) / "cycle.lua"
        script.write_text(lua_script(paths, bodies, dict(headers or {}), report))
        command = [
            binary,
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={max(1, math.ceil(seconds))}s",
            f"--timeout={_TIMEOUT_SECONDS}s",
            f"--script={script}",
            root,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0 or not report.exists():
            raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
        data = json.loads(report.read_text())
    elapsed = data["duration_us"] / 1e6
    return WrkResult(
        requests=data["requests"],
        seconds=elapsed,
        rps=data["requests"] / elapsed if elapsed else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        non_2xx={int(status): count for status, count in data["statuses"].items()},
        socket_errors={key: data[key] for key in ("connect", "read", "write", "timeout")},
    )
