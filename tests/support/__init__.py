"""Helpers the tests share that are not fixtures (fixtures live in the conftest.py files).

One idea per module; a test module or a conftest imports from here, never from a conftest or
from another test module.
"""
