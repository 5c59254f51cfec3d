"""The service's own Prometheus metrics (prometheus-client), one definition each.

Request counts and latencies per route come from Litestar's Prometheus middleware (app/asgi.py);
gauges read from PostgreSQL at scrape time live in app/services/metrics.py. Every metric is
described in docs/metrics.md. Under `levelith serve --workers N` prometheus-client runs in its
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by serve), so a scrape of any worker sums all.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_METRICS_PREFIX = "levelith_http"

SEARCH_ANSWERS = Counter(
    "levelith_search_answers",
    "Search and autocomplete requests answered, by endpoint and by the engine that answered",
    ["endpoint", "engine"],
)
INDEXER_BATCHES = Counter("levelith_indexer_batches", "Outbox batches the indexer committed")
INDEXER_DOCUMENTS = Counter(
    "levelith_indexer_documents", "Documents the indexer wrote to or deleted from the search engine"
)
INDEXER_FAILURES = Counter(
    "levelith_indexer_failures", "Failed indexing attempts (their outbox rows stay and are retried)"
)
INDEXER_LAST_SUCCESS_NAME = "levelith_indexer_last_success_timestamp_seconds"
INDEXER_LAST_SUCCESS = Gauge(
    INDEXER_LAST_SUCCESS_NAME,
    "Unix time of the indexer's last successful pass over the outbox (a batch, or finding it empty)",
    multiprocess_mode="max",
)
TYPEAHEAD_REBUILDS = Counter(
    "levelith_typeahead_rebuilds", "Rebuilds of a process's in-memory autocomplete index"
)
# Each process trains its own; answers cached before a training are not reused after it
# (bench/perf waits for these before it measures a steady state).
CLASSIFIER_BUILDS = Counter("levelith_classifier_builds", "Trainings of a process's NAICS classifier")
TYPEAHEAD_REBUILD_SECONDS = Histogram(
    "levelith_typeahead_rebuild_seconds",
    "Time to rebuild the in-memory autocomplete index from PostgreSQL",
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
