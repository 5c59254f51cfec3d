"""Relevance: held-out Census index items as queries, their codes as the right answers.

`python -m bench.relevance` (see bench/README.md).
"""
