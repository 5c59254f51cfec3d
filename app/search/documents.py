"""Search documents from source rows: what is indexed, under which id and version.

Used by the indexer and by reindexing alike, so a document is built one way only.
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.search.experience_query import build_experience_document
from app.search.naics_document import build_naics_document


class IndexAction(msgspec.Struct, frozen=True):
    """One write to an index: a document to put, or (document None) one to remove."""

    kind: str
    id: str
    version: int
    document: dict[str, Any] | None

    def bulk_action(self, index: str) -> dict[str, Any]:
        action: dict[str, Any] = {
            "_index": index,
            "_id": self.id,
            "version": self.version,
            "version_type": "external",
        }
        if self.document is None:
            action["_op_type"] = "delete"
        else:
            action["_op_type"] = "index"
            action["_source"] = self.document
        return action


def naics_action(row: dict[str, Any]) -> IndexAction:
    # Inactive codes stay in the index (filtered at query time) so admins can find them.
    return IndexAction("naics", row["code"], int(row["version"]), build_naics_document(row))


def experience_action(row: dict[str, Any]) -> IndexAction:
    if not row["owner_active"]:
        # A deactivated owner's experiences are hidden from everyone else: out of the index.
        return IndexAction("experiences", row["id"], int(row["version"]), None)
    return IndexAction("experiences", row["id"], int(row["version"]), build_experience_document(row))


def action_for(kind: str, row: dict[str, Any]) -> IndexAction:
    return naics_action(row) if kind == "naics" else experience_action(row)


def removal(kind: str, doc_id: str, version: int) -> IndexAction:
    return IndexAction(kind, doc_id, version, None)
