"""From a batch of outbox rows to the index writes that bring documents up to date.

Rows only say *which* documents changed; the documents are rebuilt from PostgreSQL's current
state, so replaying, reordering or repeating rows can never resurrect old content. Versions
come from the rows the document is built from; the outbox row's own version is needed only for
a removal, when nothing is left to read one from.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.repositories.search_outbox import KIND_OF_ENTITY, OutboxRow
from app.repositories.search_sources import experience_ids_of_users, experience_rows, naics_rows
from app.search.documents import IndexAction, action_for, removal

log = logging.getLogger(__name__)

_READERS = {"naics": (naics_rows, "code"), "experiences": (experience_rows, "id")}


def collapse(rows: Sequence[OutboxRow]) -> tuple[dict[tuple[str, str], int], list[str]]:
    """Documents named by the rows, each with its newest outbox version, and the users named."""
    documents: dict[tuple[str, str], int] = {}
    users: set[str] = set()
    for row in rows:
        kind = KIND_OF_ENTITY.get(row.entity)
        if kind is None:
            log.warning("ignoring outbox row %d with unknown entity %r", row.id, row.entity)
        elif row.entity == "user":
            users.add(row.entity_id)
        else:
            key = (kind, row.entity_id)
            documents[key] = max(row.version, documents.get(key, row.version))
    return documents, sorted(users)


async def actions_for_rows(session: AsyncSession, rows: Sequence[OutboxRow]) -> list[IndexAction]:
    documents, users = collapse(rows)
    wanted: dict[tuple[str, str], int | None] = dict(documents)
    for experience_id in await experience_ids_of_users(session, users):
        wanted.setdefault(("experiences", experience_id), None)
    actions: list[IndexAction] = []
    for kind, (read, key) in _READERS.items():
        ids = sorted(doc_id for doc_kind, doc_id in wanted if doc_kind == kind)
        found = {row[key]: row for row in await read(session, ids)}
        for doc_id in ids:
            if doc_id in found:
                actions.append(action_for(kind, found[doc_id]))
                continue
            version = wanted[(kind, doc_id)]
            # An experience reached only through its user and gone meanwhile has an outbox row
            # of its own (written by its delete), which carries the version to delete with.
            if version is not None:
                actions.append(removal(kind, doc_id, version))
    return actions
