"""Lucene as the oracle for text analysis: the engine indexes exactly the terms Lucene produces.

A sample of catalogue and experience documents is indexed into the test engine (osmem) from
the project's definitions; Lucene runs the same analysis chains (tests/search/contract/lucene.py) over
the same texts. What the engine really indexed is found with term queries, never with
``_analyze``: osmem's ``_analyze`` does not report what it indexes (it showed "all" and "other"
while its indexing dropped them as stop words).

Lucene 8 (Debian's liblucene8-java) is older than the Lucene 9 and 10 inside OpenSearch 2.x
and 3.x. The components used here (standard tokenizer, pattern_replace char filter,
lowercase, asciifolding, stop, Porter stemmer, edge n-grams, truncate, keyword tokenizer)
have not changed in behaviour between those versions; a chain using anything else needs a
translation in lucene.py first, and that check would say so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import islice, pairwise
from typing import Any

import msgspec
import pytest
from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk

from app.naics.builtin import builtin_records
from app.naics.census import load_census
from app.search.definitions import INDEX_KINDS, IndexDefinition, load_definition
from app.search.experience_query import build_experience_document
from app.search.naics_document import build_naics_document
from app.search.naics_queries import build_naics_search
from app.search.text import MAX_QUERY_WORDS, STOP_WORDS, normalise_text
from app.search.tiers import COVERAGE_WEIGHT, TIER_WEIGHT, TIERS
from tests.search.contract.lucene import Lucene, MultiMatch, Translation
from tests.support.paths import shared_dir
from tests.support.search_documents import EXPERIENCE_ROWS, NAICS_ROWS
from tests.support.tricky_text import TRICKY

# Terms per request: below OpenSearch's default limit of 1024 clauses.
_CLAUSES_PER_QUERY = 1000


def _naics_sample() -> dict[str, dict[str, Any]]:
    records = builtin_records()
    # Every 12th code, and the "All Other ..." rows where a long stop list shows first.
    chosen = records[::12] + [r for r in records if r.title.startswith("All Other")][:15]
    docs = {r.code: build_naics_document(msgspec.structs.asdict(r)) for r in chosen}
    # The hand-made rows carry keywords, aliases, descriptions and examples too.
    docs.update({row["code"]: build_naics_document(row) for row in NAICS_ROWS})
    return docs


def _experience(i: int, title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {**EXPERIENCE_ROWS[0], "id": f"x{i}", "title": title, "description": description, **extra}


CRAFTED_EXPERIENCES = [
    _experience(1, "Owner's Lab Manager", "Ran my own lab; all other staff reported to me.",
                tags=["R&D", "x-rays"]),
    _experience(2, "Café Barista", "Espresso, latte art and the morning rush at Crème Brûlée Café.",
                organization="Ærø Coffee Co.", tags=["coffee"], type_data={"skills": ["Latte-Art", "POS"]}),
    _experience(3, "C++ / C# Developer", "Built 3D engines for U.S. and E.U. clients (2019-2023).",
                location="São Paulo", tags=["c++", "unity3d"]),
    _experience(4, "Registered Nurse", "Cared for patients in the ICU's night shift; didn't miss one.",
                organization="St. Mary's Hospital", tags=["nursing", "intensive-care"]),
    _experience(5, "Supercalifragilisticexpialidocious Coordinator", "Organised very-long-hyphenated events.",
                tags=["events"]),
]  # fmt: skip


def _experience_sample() -> dict[str, dict[str, Any]]:
    rows = [*EXPERIENCE_ROWS, *CRAFTED_EXPERIENCES]
    return {row["id"]: build_experience_document(row) for row in rows}


SAMPLES = {"naics": _naics_sample, "experiences": _experience_sample}


def analysed_fields(mappings: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field path, source field, index analyzer) for every text field and text sub-field."""
    for name, field in mappings["properties"].items():
        if field.get("type") == "text":
            yield name, name, field.get("analyzer", "standard")
        for sub, subfield in field.get("fields", {}).items():
            if subfield.get("type") == "text":
                yield f"{name}.{sub}", name, subfield.get("analyzer", "standard")


def _values(doc: dict[str, Any], source: str) -> list[str]:
    value = doc.get(source)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.fixture(scope="module")
def sample_indexes(os_client: OpenSearch) -> Iterator[dict[str, tuple[str, dict[str, dict[str, Any]]]]]:
    prefix = f"lucene{uuid.uuid4().hex[:8]}_"
    made = {}
    for kind in INDEX_KINDS:
        name = f"{prefix}{kind}"
        docs = SAMPLES[kind]()
        os_client.indices.create(index=name, body=load_definition(kind).create_body())
        bulk(os_client, ({"_index": name, "_id": i, "_source": d} for i, d in docs.items()), refresh=True)
        made[kind] = (name, docs)
    yield made
    for name, _ in made.values():
        os_client.indices.delete(index=name)


def _indexed_terms(
    client: OpenSearch, index: str, field: str, candidates: set[str], size: int
) -> dict[str, set[str]]:
    """Which of the candidate terms each document holds in the field, by term queries."""
    found: dict[str, set[str]] = {}
    terms = iter(sorted(candidates))
    while chunk := list(islice(terms, _CLAUSES_PER_QUERY)):
        should = [{"term": {field: {"value": t, "_name": t}}} for t in chunk]
        body = {"size": size, "_source": False, "query": {"bool": {"should": should}}}
        for hit in client.search(index=index, body=body)["hits"]["hits"]:
            found.setdefault(hit["_id"], set()).update(hit.get("matched_queries", []))
    return found


def _lucene_tokens(
    lucene: Lucene, definition: IndexDefinition, docs: dict[str, dict[str, Any]]
) -> dict[tuple[str, str], set[str]]:
    translation = Translation(definition.settings["analysis"], lucene.files)
    fields = list(analysed_fields(definition.mappings))
    chains = {analyzer: translation.chain(analyzer) for _, _, analyzer in fields}
    texts = [
        (f"{doc_id}|{path}|{n}", analyzer, value)
        for doc_id, doc in docs.items()
        for path, source, analyzer in fields
        for n, value in enumerate(_values(doc, source))
    ]
    tokens = lucene.analyze(chains, texts)
    out: dict[tuple[str, str], set[str]] = {}
    for key, _, _ in texts:
        doc_id, path, _ = key.split("|")
        out.setdefault((doc_id, path), set()).update(tokens[key])
    return out


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_engine_indexes_what_lucene_produces(
    lucene: Lucene, os_client: OpenSearch, sample_indexes: dict[str, Any], kind: str
) -> None:
    index, docs = sample_indexes[kind]
    definition = load_definition(kind)
    expected = _lucene_tokens(lucene, definition, docs)
    differences = []
    for path, source, _ in analysed_fields(definition.mappings):
        # Probe Lucene's terms and the near misses: every plain word of the texts (unstemmed,
        # stop words included) and the English stop words, none of which should be there
        # unless Lucene put them there.
        candidates = set(STOP_WORDS)
        for doc_id, doc in docs.items():
            candidates |= expected.get((doc_id, path), set())
            candidates |= {w for v in _values(doc, source) for w in normalise_text(v).split()}
        found = _indexed_terms(os_client, index, path, candidates, len(docs))
        for doc_id in docs:
            want, got = expected.get((doc_id, path), set()), found.get(doc_id, set())
            if want != got:
                differences.append(
                    f"{doc_id} {path}: missing {sorted(want - got)}, extra {sorted(got - want)}"
                )
    assert differences == []


def test_lucene_english_stop_words_are_the_query_side_list(lucene: Lucene) -> None:
    # OpenSearch's _english_ is this Lucene set; text.py and opensearch/*.json list it word by word.
    assert lucene.english_stop_words() == set(STOP_WORDS)


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_folded_normalizer_leaves_python_normalised_text_alone(lucene: Lucene, kind: str) -> None:
    # The *_norm keyword fields hold normalise_text output and carry the "folded" normalizer:
    # Lucene's own lowercase + asciifolding must not change it, or the engine would compare
    # another string than the PostgreSQL fallback does.
    analysis = load_definition(kind).settings["analysis"]
    translation = Translation(analysis, lucene.files)
    texts = [*TRICKY, *(r.title for r in builtin_records()[::7]), *(c["title"] for c in CRAFTED_EXPERIENCES)]
    normalised = [normalise_text(t) for t in texts]
    chains = {name: translation.chain(name, normalizer=True) for name in analysis.get("normalizer", {})}
    for name in chains:
        tokens = lucene.analyze(chains, [(str(i), name, n) for i, n in enumerate(normalised)])
        assert {n: tokens[str(i)] for i, n in enumerate(normalised)} == {n: [n] for n in normalised}


def _multi_matches(body: dict[str, Any], mappings: dict[str, Any]) -> list[MultiMatch]:
    """The BM25 clauses of a NAICS search body (its multi_matches), as Lucene queries."""
    props = mappings["properties"]

    def search_chain(path: str) -> str:
        top, _, sub = path.partition(".")
        field = props[top]["fields"][sub] if sub else props[top]
        return field.get("search_analyzer", field.get("analyzer", "standard"))

    found = []
    for clause in body["query"]["bool"]["should"]:
        if "multi_match" not in clause:
            continue  # coverage: constant scores, not BM25
        spec = clause["multi_match"]
        assert spec.get("type", "best_fields") == "best_fields", spec
        fields = []
        for name in spec["fields"]:
            field, _, boost = name.partition("^")
            fields.append((field, float(boost or 1), search_chain(field)))
        found.append(MultiMatch(spec["query"], float(spec.get("tie_breaker", 0.0)), tuple(fields)))
    return found


@pytest.mark.census
def test_tier_bands_hold_under_lucene_bm25(lucene: Lucene) -> None:
    # The engine score is tier * TIER_WEIGHT + coverage + BM25 and the API reads the tier back
    # from it, so BM25 plus the most coverage must stay below the smallest gap between two
    # tiers. osmem's BM25 is not Lucene's: here the real catalogue is scored by Lucene itself,
    # for index items and titles as queries, through the search body the service builds.
    files = sorted((shared_dir() / "naics").glob("*.xlsx"))
    if not files:
        pytest.skip("no Census files in ../shared/naics")
    records = load_census(files).records
    docs = {r.code: build_naics_document(msgspec.structs.asdict(r)) for r in records}
    definition = load_definition("naics")
    translation = Translation(definition.settings["analysis"], lucene.files)
    fields = list(analysed_fields(definition.mappings))
    texts = [*sorted({k for r in records for k in r.keywords})[::100], *(r.title for r in records[::20])]
    queries = {
        str(i): _multi_matches(build_naics_search(q), definition.mappings) for i, q in enumerate(texts)
    }
    chains = {c: translation.chain(c) for q in queries.values() for m in q for _, _, c in m.fields}
    chains |= {analyzer: translation.chain(analyzer) for _, _, analyzer in fields}
    best = lucene.best_scores(
        chains,
        {path: analyzer for path, _, analyzer in fields},
        ((i, {path: _values(doc, source) for path, source, _ in fields}) for i, doc in docs.items()),
        queries,
    )
    scores = {texts[int(q)]: score for q, (score, _) in best.items()}
    assert len(scores) == len(texts) and max(scores.values()) > 0
    gap = min(a.score - b.score for a, b in pairwise(TIERS)) * TIER_WEIGHT
    room = gap - COVERAGE_WEIGHT * MAX_QUERY_WORDS
    assert max(scores.values()) < room, sorted(scores.items(), key=lambda kv: -kv[1])[:5]
