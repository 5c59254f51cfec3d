"""Index definitions shipped as package data (installed as `levelith.opensearch`, see setup.py)."""
