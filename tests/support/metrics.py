"""Reading a Prometheus scrape: every sample by name and labels, and one value by a subset of labels."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float | None:
    wanted = set(labels.items())
    matching = [v for (n, ls), v in found.items() if n == name and wanted <= ls]
    return sum(matching) if matching else None
