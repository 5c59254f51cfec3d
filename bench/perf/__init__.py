"""Performance: load, sync lag, reindex throughput and memory, each beside a baseline.

`python -m bench.perf [--quick]` (see bench/README.md).
"""
