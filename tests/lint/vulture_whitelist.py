"""Names vulture cannot see being used; tests/lint/test_lint.py runs vulture with this file.

vulture reports code nothing refers to. Everything below IS used, by something vulture does
not read: a framework that reads a name (Litestar, msgspec), a string (uvicorn's factory), or
only a test or benchmark. Before adding a name, check it with `git grep`; dead code is
removed, not listed. [tool.vulture] in pyproject.toml also leaves out the modules that only
declare wire or table shapes (app/schemas/, app/models/, app/experiences/type_data.py).
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Litestar: `admin_user` is a guard (the admin_user dependency refuses non-administrators),
# the handler never reads it.
_.admin_user

# msgspec response fields, read by the encoder (services' response structs).
_.target  # app/search/explain.py Folding and WordCorrection ("to")
_.field_weight  # app/search/explain.py WordCorrection
_.context_words  # app/search/explain.py WordCorrection
_.foldings  # app/search/explain.py Explain
_.naics_title  # app/repositories/experience_search_pg.py CubeRow, read by name (_LABEL_COLUMN)
_.industry_detail  # app/naics/codes.py Hierarchy, a naics_codes column written by name (msgspec.to_builtins)
_.stale  # indexer/bulk.py WriteSummary, logged per batch and read by tests
_.absent
_.five_digit_industries  # app/naics/census.py StructureSummary, checked against the Census
_.cross_references_dropped  # app/naics/census.py CensusStats, printed by the import summary

# Counters kept for diagnostics beside the ones code reads (hits, mean).
_.misses  # app/services/facet_cache.py
_.samples  # app/services/search_fallback.py Latency

# Used only from the modules excluded above.
_.Base  # app/db/base.py, the models' declarative base
_.NOT_BLANK_PATTERN  # app/validation.py, used by app/schemas/

# Named in a string: uvicorn imports it in each worker process (indexer/serve.py WORKER_FACTORY).
_.worker_app

# Test and benchmark hooks.
_.pause  # app/embedded/postgres.py: PostgreSQL restarts in tests/ and bench/faults
_.drain  # indexer/worker.py: empty the outbox now (tests/indexer, tests/faults)
_.in_process_indexer  # indexer/worker.py: serve with an indexer task (tests/faults)
