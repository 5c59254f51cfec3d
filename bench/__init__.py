"""Relevance evaluation and performance benchmarks; never part of the test suite.

Both drive the service only through its command line and HTTP API (black-box), so that
what they measure is what a user of `levelith` gets.
"""
