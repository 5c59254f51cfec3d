"""The JSON definitions as the engine sees them."""

from __future__ import annotations

import pytest

from app.search.definitions import load_definition
from app.search.text import normalise_text
from tests.support.tricky_text import TRICKY


@pytest.mark.parametrize("raw", TRICKY)
def test_folded_normalizer_is_idempotent_on_python_output(os_client, naics_index, raw):
    # The *_norm keyword fields carry the "folded" normalizer. Python output must pass
    # through it unchanged, otherwise the engine would compare a different string
    # from the one the PostgreSQL fallback compares.
    norm = normalise_text(raw)
    tokens = os_client.indices.analyze(index=naics_index, body={"normalizer": "folded", "text": norm})[
        "tokens"
    ]
    assert [t["token"] for t in tokens] == [norm]


def test_aliases_point_at_versioned_indexes(os_client, naics_index, experiences_index, index_prefix):
    for alias, kind in ((naics_index, "naics"), (experiences_index, "experiences")):
        physical = list(os_client.indices.get_alias(name=alias))
        assert len(physical) == 1
        version = load_definition(kind).version
        assert physical[0].startswith(f"{index_prefix}{kind}_v{version}_")


def test_strict_mapping_rejects_unknown_fields(os_client, naics_index):
    from opensearchpy.exceptions import RequestError

    with pytest.raises(RequestError):
        os_client.index(index=naics_index, id="x", body={"code": "x", "email": "a@b.c"})
