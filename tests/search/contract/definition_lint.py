"""What an index definition must get right that OpenSearch's API specification cannot express.

The specification types analyzer, tokenizer and filter names and stemmer languages as free
strings, and lets every field type carry every mapping parameter (``ignore_above`` on ``text``
validates). OpenSearch refuses such an index at creation, or worse, builds it with a different
meaning; these rules catch that before any engine sees the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tests.search.contract import opensearch_builtins as core


def _setting(settings: Mapping[str, Any], name: str, default: int) -> int:
    for key in (name, f"index.{name}"):
        if key in settings:
            return int(settings[key])
    return int(settings.get("index", {}).get(name, default))


class _Analysis:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings = settings
        analysis = settings.get("analysis") or settings.get("index", {}).get("analysis") or {}
        self.analyzers: dict[str, Any] = analysis.get("analyzer", {})
        self.normalizers: dict[str, Any] = analysis.get("normalizer", {})
        self.tokenizers: dict[str, Any] = analysis.get("tokenizer", {})
        self.filters: dict[str, Any] = analysis.get("filter", {})
        self.char_filters: dict[str, Any] = analysis.get("char_filter", {})

    def problems(self) -> Iterator[str]:
        yield from self._types()
        for name, analyzer in self.analyzers.items():
            if analyzer.get("type", "custom") == "custom":
                yield from self._chain(f"analyzer {name}", analyzer, normalizer=False)
        for name, normalizer in self.normalizers.items():
            if normalizer.get("type", "custom") == "custom":
                yield from self._chain(f"normalizer {name}", normalizer, normalizer=True)
        for kind, components in (("tokenizer", self.tokenizers), ("filter", self.filters)):
            for name, component in components.items():
                yield from self._component(f"{kind} {name}", component)

    def _types(self) -> Iterator[str]:
        for kind, components, types in (
            ("analyzer", self.analyzers, core.ANALYZER_TYPES),
            ("normalizer", self.normalizers, core.NORMALIZER_TYPES),
            ("tokenizer", self.tokenizers, core.TOKENIZER_TYPES),
            ("filter", self.filters, core.TOKEN_FILTER_TYPES),
            ("char_filter", self.char_filters, core.CHAR_FILTER_TYPES),
        ):
            for name, component in components.items():
                kind_type = component.get("type", "custom" if kind in ("analyzer", "normalizer") else None)
                if kind_type not in types:
                    yield f"{kind} {name}: type {kind_type!r} is not in OpenSearch core"

    def _chain(self, where: str, chain: Mapping[str, Any], *, normalizer: bool) -> Iterator[str]:
        if normalizer:
            if "tokenizer" in chain:
                yield f"{where}: a normalizer has no tokenizer"
        else:
            tokenizer = chain.get("tokenizer")
            if tokenizer is None:
                yield f"{where}: a custom analyzer needs a tokenizer"
            elif tokenizer not in self.tokenizers and tokenizer not in core.TOKENIZERS:
                yield f"{where}: tokenizer {tokenizer!r} is neither defined here nor built in"
        for name in chain.get("char_filter", []):
            if name not in self.char_filters and name not in core.CHAR_FILTERS:
                yield f"{where}: char_filter {name!r} is neither defined here nor built in"
        for name in chain.get("filter", []):
            if name in self.filters:
                if normalizer and self.filters[name].get("type") not in core.NORMALIZER_FILTER_TYPES:
                    yield f"{where}: filter {name!r} does not work per character, a normalizer cannot use it"
            elif name not in core.TOKEN_FILTERS:
                yield f"{where}: filter {name!r} is neither defined here nor built in"
            elif normalizer and name not in core.NORMALIZER_FILTERS:
                yield f"{where}: filter {name!r} does not work per character, a normalizer cannot use it"

    def _component(self, where: str, component: Mapping[str, Any]) -> Iterator[str]:
        kind = component.get("type")
        if kind == "stemmer":
            language = component.get("language", component.get("name", "english"))
            if language not in core.STEMMER_LANGUAGES:
                yield f"{where}: stemmer language {language!r} is not one OpenSearch documents"
        if kind in ("ngram", "edge_ngram"):
            low, high = int(component.get("min_gram", 1)), int(component.get("max_gram", 2))
            if low > high:
                yield f"{where}: min_gram {low} > max_gram {high}"
            limit = _setting(self.settings, "max_ngram_diff", core.DEFAULT_MAX_NGRAM_DIFF)
            if kind == "ngram" and high - low > limit:
                yield f"{where}: max_gram - min_gram = {high - low} > index.max_ngram_diff {limit}"
        if kind == "shingle":
            low, high = int(component.get("min_shingle_size", 2)), int(component.get("max_shingle_size", 2))
            limit = _setting(self.settings, "max_shingle_diff", core.DEFAULT_MAX_SHINGLE_DIFF)
            if high - low > limit:
                yield f"{where}: shingle sizes differ by {high - low} > index.max_shingle_diff {limit}"

    def analyzer_known(self, name: str) -> bool:
        return name in self.analyzers or name in core.ANALYZERS

    def normalizer_known(self, name: str) -> bool:
        return name in self.normalizers or name in core.NORMALIZERS


def _fields(properties: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, field in properties.items():
        path = f"{prefix}{name}"
        yield path, field
        yield from _fields(field.get("properties", {}), f"{path}.")
        yield from _fields(field.get("fields", {}), f"{path}.")


def _mapping_problems(mappings: Mapping[str, Any], analysis: _Analysis) -> Iterator[str]:
    for path, field in _fields(mappings.get("properties", {})):
        kind = field.get("type", "object")
        allowed = core.FIELD_PARAMETERS.get(kind)
        if allowed is None:
            yield f"field {path}: type {kind!r} is not one this lint knows; add its parameters"
            continue
        for parameter in sorted(set(field) - allowed):
            yield f"field {path}: {kind} fields take no {parameter!r}"
        for parameter in ("analyzer", "search_analyzer", "search_quote_analyzer"):
            if parameter in field and not analysis.analyzer_known(field[parameter]):
                yield f"field {path}: {parameter} {field[parameter]!r} is neither defined nor built in"
        if "search_analyzer" in field and "analyzer" not in field:
            yield f"field {path}: search_analyzer needs analyzer set too"
        if "normalizer" in field and not analysis.normalizer_known(field["normalizer"]):
            yield f"field {path}: normalizer {field['normalizer']!r} is neither defined nor built in"


def lint_definition(settings: Mapping[str, Any], mappings: Mapping[str, Any]) -> list[str]:
    """Problems with an index's settings and mappings; empty when OpenSearch core would take them."""
    analysis = _Analysis(settings)
    return [*analysis.problems(), *_mapping_problems(mappings, analysis)]


def _field(mappings: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    top, _, sub = path.partition(".")
    field = mappings.get("properties", {}).get(top)
    if field is not None and sub:
        field = field.get("fields", {}).get(sub) or field.get("properties", {}).get(sub)
    return field


def aggregation_field_problems(mappings: Mapping[str, Any], paths: Iterable[str]) -> list[str]:
    """Fields a terms aggregation reads must hold their values as shown: doc values, no normalizer.

    OpenSearch buckets a normalised keyword by its normalised term ("cafe bistro" for
    "Café Bistro"); osmem buckets the stored value, so a facet on such a field would show other
    labels and counts in production than in every test. Text fields have no doc values at all.
    """
    found = []
    for path in paths:
        field = _field(mappings, path)
        if field is None:
            found.append(f"{path}: not in the mapping")
        elif field.get("type") not in ("keyword", "integer", "long", "short", "byte", "boolean", "date"):
            found.append(f"{path}: a {field.get('type')} field cannot feed a terms aggregation")
        elif "normalizer" in field:
            found.append(f"{path}: normalizer {field['normalizer']!r} changes what the buckets show")
        elif field.get("doc_values") is False:
            found.append(f"{path}: doc_values off, nothing to aggregate")
    return found
