"""Relevance: held-out Census index items as queries, their codes as the right answers.

`python -m bench.relevance` (see README.md, "Performance").
"""
