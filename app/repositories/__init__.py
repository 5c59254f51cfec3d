"""Queries. Repositories know SQLAlchemy and OpenSearch, never HTTP."""
