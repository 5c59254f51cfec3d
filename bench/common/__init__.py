"""Plumbing shared by the benchmarks: engines, the service process, machine facts, results."""
