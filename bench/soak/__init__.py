"""Soak: 30 minutes of mixed traffic under faults (python -m bench.soak)."""
