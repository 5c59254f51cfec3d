"""Facets of the NAICS and experience searches: their specs, filters and counts.

Faceting follows the usual "multi-select" pattern: the facet filters go into
``post_filter`` (they narrow the hits, not the aggregations) and each facet's
aggregation is wrapped in a ``filter`` aggregation holding every *other* facet's
filter. So choosing sector 54 still shows how many hits the other sectors have,
while the category and level counts shrink to sector 54.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from app.limits import FACET_SIZE, MAX_FILTER_VALUES, NAICS_CODE_FACET_SIZE
from app.naics.codes import level_label

FacetValue = str | int
FilterInput = Mapping[str, FacetValue | Sequence[FacetValue] | None]


class FacetBucket(msgspec.Struct, frozen=True):
    value: FacetValue
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class FacetSpec:
    """One facet: its API name (also the filter key), the field and where its label comes from.

    label_field: a keyword field holding the label next to the value (sector ->
    sector_title); read with a one-bucket terms sub-aggregation.
    label_for: a pure function value -> label when no field holds it (levels).
    value_type: ``int`` for integer fields so "6" from a query string filters level 6.
    """

    name: str
    field: str
    label_field: str | None = None
    label_for: Callable[[FacetValue], str] | None = None
    value_type: type = str
    size: int = FACET_SIZE


def _coerce(spec: FacetSpec, value: Any) -> FacetValue:
    if spec.value_type is int:
        if isinstance(value, bool):
            raise ValueError(f"filter {spec.name!r}: {value!r} is not an integer")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"filter {spec.name!r}: {value!r} is not an integer") from None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"filter {spec.name!r}: {value!r} is not a string")
    return str(value)


def normalise_filters(specs: Iterable[FacetSpec], filters: FilterInput | None) -> dict[str, list[FacetValue]]:
    """Validate filters against the facets: known names only, scalar or list values, typed.

    Empty values (None, "", []) mean "no filter". Values of one facet are ORed
    (terms query); different facets are ANDed.
    """
    by_name = {s.name: s for s in specs}
    out: dict[str, list[FacetValue]] = {}
    for name, raw in (filters or {}).items():
        spec = by_name.get(name)
        if spec is None:
            raise ValueError(f"unknown filter {name!r}; expected one of {sorted(by_name)}")
        if raw is None or raw == "":
            continue
        values = [raw] if isinstance(raw, str | int) else list(raw)
        if len(values) > MAX_FILTER_VALUES:
            raise ValueError(f"filter {name!r}: at most {MAX_FILTER_VALUES} values")
        coerced: list[FacetValue] = []
        for v in values:
            if v is None or v == "":
                continue
            c = _coerce(spec, v)
            if c not in coerced:
                coerced.append(c)
        if coerced:
            out[name] = coerced
    return out


def filter_clauses(specs: Iterable[FacetSpec], filters: Mapping[str, list[FacetValue]]) -> dict[str, dict]:
    """One ``terms`` clause per active facet filter, keyed by facet name."""
    return {s.name: {"terms": {s.field: list(filters[s.name])}} for s in specs if filters.get(s.name)}


def post_filter(clauses: Mapping[str, dict]) -> dict | None:
    """All facet filters ANDed, for the search body's ``post_filter`` (None when there are none)."""
    if not clauses:
        return None
    return {"bool": {"filter": list(clauses.values())}}


def faceted_page(
    query: dict[str, Any],
    sort: list[dict[str, Any]],
    specs: Iterable[FacetSpec],
    clauses: Mapping[str, dict],
    *,
    limit: int,
    offset: int,
    source_excludes: Iterable[str] = (),
    with_facets: bool = True,
    track_total_hits: bool | int = True,
) -> dict[str, Any]:
    """A search body for one page of hits with totals (exact, or counted up to an int
    ``track_total_hits``) and, when asked, facets.

    With facets, facet filters go to ``post_filter`` so each facet's counts can ignore its
    own filter; without, they join the query as plain filters (cacheable, no second pass).
    """
    if not with_facets and clauses:
        query = {"bool": {"must": [query], "filter": list(clauses.values())}}
    body: dict[str, Any] = {
        "query": query,
        "sort": sort,
        "from": offset,
        "size": limit,
        "track_total_hits": track_total_hits,
    }
    excludes = list(source_excludes)
    if excludes:
        body["_source"] = {"excludes": excludes}
    if not with_facets:
        return body
    body["aggs"] = facet_aggregations(specs, clauses)
    pf = post_filter(clauses)
    if pf is not None:
        body["post_filter"] = pf
    return body


def facet_aggregations(specs: Iterable[FacetSpec], clauses: Mapping[str, dict]) -> dict[str, dict]:
    """Per facet: a filter aggregation of the other facets' filters around a terms aggregation."""
    aggs: dict[str, dict] = {}
    for spec in specs:
        others = [c for name, c in clauses.items() if name != spec.name]
        terms: dict[str, Any] = {
            "terms": {
                "field": spec.field,
                "size": spec.size,
                # Most frequent first; equal counts in value order so the output is stable.
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
        if spec.label_field:
            terms["aggs"] = {"label": {"terms": {"field": spec.label_field, "size": 1}}}
        aggs[spec.name] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": terms},
        }
    return aggs


def facet_label(spec: FacetSpec, value: FacetValue, stored: object = None) -> str:
    """A bucket's label: the one stored beside the value (label_field), else the spec's own."""
    if stored:
        return str(stored)
    if spec.label_for is not None:
        return spec.label_for(value)
    return str(value)


def _label(spec: FacetSpec, bucket: Mapping[str, Any], value: FacetValue) -> str:
    label_buckets = bucket.get("label", {}).get("buckets", []) if spec.label_field else []
    return facet_label(spec, value, label_buckets[0]["key"] if label_buckets else None)


def parse_facets(
    specs: Iterable[FacetSpec], aggregations: Mapping[str, Any] | None
) -> dict[str, list[FacetBucket]]:
    """``{"sector": [FacetBucket(value="54", label="...", count=3), ...], ...}`` from a response."""
    aggregations = aggregations or {}
    out: dict[str, list[FacetBucket]] = {}
    for spec in specs:
        buckets = aggregations.get(spec.name, {}).get("values", {}).get("buckets", [])
        parsed: list[FacetBucket] = []
        for bucket in buckets:
            value = _coerce(spec, bucket["key"])
            label = _label(spec, bucket, value)
            parsed.append(FacetBucket(value=value, label=label, count=int(bucket["doc_count"])))
        out[spec.name] = parsed
    return out


def facets_from_rows(
    specs: Iterable[FacetSpec], rows: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, list[FacetBucket]]:
    """The PostgreSQL fallback's counts (per facet, rows of value, count and maybe label) as
    the engine's buckets, labelled the same way."""
    return {spec.name: [_row_bucket(spec, row) for row in rows.get(spec.name, [])] for spec in specs}


def _row_bucket(spec: FacetSpec, row: Mapping[str, Any]) -> FacetBucket:
    value = _coerce(spec, row["value"])
    return FacetBucket(value=value, label=facet_label(spec, value, row.get("label")), count=int(row["count"]))


def humanise_enum(value: FacetValue) -> str:
    """PROFESSIONAL_TECHNICAL_SERVICES -> "Professional Technical Services" (label fallback)."""
    return " ".join(part.capitalize() for part in str(value).split("_") if part)


def _level_label(value: FacetValue) -> str:
    return level_label(int(value))


NAICS_FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("sector", "sector", label_field="sector_title"),
    FacetSpec("category", "category", label_for=humanise_enum),
    FacetSpec("level", "level", label_for=_level_label, value_type=int),
)
# naics_code has ~1,000 values on a platform; the chips show the top few, and every bucket
# costs the engine a label sub-aggregation. PostgreSQL returns the same number.
EXPERIENCE_FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("category", "category", label_for=humanise_enum),
    FacetSpec("experience_type", "experience_type", label_for=humanise_enum),
    FacetSpec("sector", "sector", label_field="sector_title"),
    FacetSpec("naics_code", "naics_code", label_field="naics_title.raw", size=NAICS_CODE_FACET_SIZE),
)


def parse_total(hits: Mapping[str, Any]) -> int:
    """The hit count of a response's ``hits`` (an object with ``value``, or a bare number)."""
    total = hits.get("total", 0)
    return int(total["value"]) if isinstance(total, Mapping) else int(total or 0)
