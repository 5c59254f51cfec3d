"""Reindex throughput: `levelith reindex experiences` against opensearch-py's bulk helpers
sending the same documents to the same engine.

Synthetic experiences are written with one INSERT ... SELECT generate_series, fast enough
for 100,000 rows. Their outbox rows are dropped in the same transaction: the reindex under
measurement is what brings them to the index, and a running indexer catching up on 100,000
rows at the same time would make both numbers meaningless.
"""

from __future__ import annotations

import json
import re
import secrets
import statistics
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from opensearchpy import OpenSearch, helpers

from bench.common.cli import run_levelith
from bench.common.paths import REPO_ROOT
from bench.perf.experience_words import (
    CITIES,
    EXPERIENCE_TYPES,
    ORGANIZATIONS,
    ROLES,
    TAGS,
    TOPICS,
)

BULK_CHUNK = 1000
SYNTHETIC_USERS = 200

USERS_SQL = """
INSERT INTO users (id, username, email, password_hash, is_active, is_verified)
SELECT md5('bench-user-' || g), 'bench_synthetic_' || g, 'bench_synthetic_' || g || '@example.com',
       'synthetic: cannot log in', true, true
FROM generate_series(0, $1::int - 1) AS g
ON CONFLICT DO NOTHING
"""

EXPERIENCES_SQL = """
WITH codes AS (SELECT array_agg(code ORDER BY code) AS c FROM naics_codes WHERE level = 6 AND is_active)
INSERT INTO experiences (id, user_id, title, description, naics_code, category, experience_type,
                         start_date, end_date, is_current, organization, location, tags)
SELECT md5('bench-experience-' || g),
       md5('bench-user-' || (g % $3::int)),
       ($4::text[])[1 + g % cardinality($4::text[])],
       'Worked on ' || ($5::text[])[1 + (g / 3) % cardinality($5::text[])]
           || ' with a team of ' || (2 + g % 17) || ' people.',
       codes.c[1 + (g::bigint * 7919) % cardinality(codes.c)],
       ($6::text[])[1 + g % cardinality($6::text[])],
       ($7::text[])[1 + g % cardinality($7::text[])],
       timestamp '2012-01-01' + (g % 4000) * interval '1 day',
       CASE WHEN g % 4 = 0 THEN NULL ELSE timestamp '2012-01-01' + (g % 4000 + 200) * interval '1 day' END,
       g % 4 = 0,
       ($8::text[])[1 + (g / 5) % cardinality($8::text[])],
       ($9::text[])[1 + (g / 11) % cardinality($9::text[])],
       jsonb_build_array(($10::text[])[1 + g % cardinality($10::text[])],
                         ($10::text[])[1 + (g / 13) % cardinality($10::text[])])
FROM generate_series($1::int, $2::int) AS g, codes
"""

DROP_OUTBOX_SQL = """
DELETE FROM search_outbox
WHERE entity = 'experience'
  AND entity_id IN (SELECT md5('bench-experience-' || g) FROM generate_series($1::int, $2::int) AS g)
"""


class SyntheticExperiences:
    """Tops the experiences table up to a total, numbering synthetic rows from 0."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.next_serial = 0

    async def top_up(self, total: int) -> int:
        connection = await asyncpg.connect(self.database_url)
        try:
            current = await connection.fetchval("SELECT count(*) FROM experiences")
            missing = total - current
            if missing <= 0:
                return 0
            first, last = self.next_serial, self.next_serial + missing - 1
            types = [t for t, _ in EXPERIENCE_TYPES]
            categories = [c for _, c in EXPERIENCE_TYPES]
            async with connection.transaction():
                await connection.execute(USERS_SQL, SYNTHETIC_USERS)
                await connection.execute(
                    EXPERIENCES_SQL,
                    first,
                    last,
                    SYNTHETIC_USERS,
                    ROLES,
                    TOPICS,
                    categories,
                    types,
                    ORGANIZATIONS,
                    CITIES,
                    TAGS,
                )
                await connection.execute(DROP_OUTBOX_SQL, first, last)
            self.next_serial = last + 1
            return missing
        finally:
            await connection.close()


_RATE = re.compile(r"([\d][\d,]*(?:\.\d+)?)\s*(?:docs|documents)\s*/\s*s", re.IGNORECASE)
_COUNT = re.compile(r"([\d][\d,]*)\s+(?:docs|documents)\b(?!\s*/)", re.IGNORECASE)
_INDEXED = re.compile(r"indexed\W{0,3}([\d][\d,]*)\b", re.IGNORECASE)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_summary(output: str) -> tuple[int | None, float | None]:
    """(documents, docs/s) from the reindex command's summary, None where it says nothing."""
    rate = _RATE.search(output)
    count = _COUNT.search(output) or _INDEXED.search(output)
    return (int(_number(count.group(1))) if count else None, _number(rate.group(1)) if rate else None)


@dataclass(frozen=True)
class ReindexRun:
    wall_seconds: float
    documents: int
    documents_reported: int | None
    docs_per_s_reported: float | None
    docs_per_s_wall: float
    # Wall time less the interpreter and `levelith` start-up (measured with --help).
    docs_per_s_wall_less_startup: float


def time_reindex(env: dict[str, str], documents: int, startup_seconds: float) -> ReindexRun:
    run = run_levelith(["reindex", "experiences"], env)
    reported_count, reported_rate = parse_summary(run.output)
    working = max(run.seconds - startup_seconds, 1e-6)
    return ReindexRun(
        wall_seconds=round(run.seconds, 3),
        documents=documents,
        documents_reported=reported_count,
        docs_per_s_reported=reported_rate,
        docs_per_s_wall=round(documents / run.seconds, 1),
        docs_per_s_wall_less_startup=round(documents / working, 1),
    )


def startup_seconds(env: dict[str, str], repeats: int = 3) -> float:
    return statistics.median(run_levelith(["--help"], env).seconds for _ in range(repeats))


def fetch_documents(client: OpenSearch, alias: str) -> list[tuple[str, dict[str, Any]]]:
    """The documents as the reindex built them: the exact payload the raw baseline resends."""
    return [
        (hit["_id"], hit["_source"])
        for hit in helpers.scan(client, index=alias, query={"query": {"match_all": {}}}, size=BULK_CHUNK)
    ]


def index_definition(kind: str) -> dict[str, Any]:
    data = json.loads((REPO_ROOT / "opensearch" / f"{kind}.json").read_text())
    return {"settings": data["settings"], "mappings": data["mappings"]}


@dataclass(frozen=True)
class BulkRun:
    helper: str
    seconds: float
    documents: int
    failed: int
    docs_per_s: float


def raw_bulk(
    client: OpenSearch,
    definition: dict[str, Any],
    documents: Sequence[tuple[str, dict[str, Any]]],
    helper: str,
) -> BulkRun:
    """Create a fresh index, send every document with the helper, refresh: timed together,
    as a reindex creates, fills and publishes its index."""
    index = f"benchraw_{secrets.token_hex(4)}"

    def actions() -> Iterator[dict[str, Any]]:
        for doc_id, source in documents:
            yield {"_index": index, "_id": doc_id, "_source": source}

    # Refresh off while loading, as the service's reindex does (OpenSearch's bulk-load advice).
    body = {**definition, "settings": {**definition["settings"], "refresh_interval": "-1"}}
    started = time.perf_counter()
    client.indices.create(index=index, body=body)
    try:
        if helper == "bulk":
            ok, errors = helpers.bulk(client, actions(), chunk_size=BULK_CHUNK, stats_only=True)
            failed = int(errors) if isinstance(errors, int) else len(errors)
        elif helper == "parallel_bulk":
            outcomes: deque[tuple[bool, Any]] = deque()
            for outcome in helpers.parallel_bulk(
                client, actions(), chunk_size=BULK_CHUNK, raise_on_error=False
            ):
                outcomes.append(outcome)
            ok = sum(1 for success, _ in outcomes if success)
            failed = len(outcomes) - ok
        else:
            raise ValueError(f"unknown helper {helper!r}")
        client.indices.refresh(index=index)
        seconds = time.perf_counter() - started
        stored = int(client.count(index=index)["count"])
    finally:
        client.indices.delete(index=index)
    return BulkRun(helper, round(seconds, 3), stored, failed, round(stored / seconds, 1))
