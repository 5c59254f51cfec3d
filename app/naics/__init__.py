"""Pure NAICS domain layer: codes, hierarchy, categories and import-file readers.

Nothing in this package touches the database or HTTP; the repository and the
API build on these functions so that every entry point applies the same rules.
"""
