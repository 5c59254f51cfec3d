"""OpenSearch side of the search service: index definitions and pure query builders.

Nothing here talks to a cluster: builders return request bodies (dicts) and
parsers take response dicts, so the same code serves AsyncOpenSearch in the
service, the sync client in tests and tools, and documents the exact semantics
the PostgreSQL fallback mirrors (see ``text`` and ``tiers``). NAICS: the document
(``naics_document``), request bodies (``naics_queries``), responses (``naics_results``);
facets of both indexes: ``facets``.
"""
