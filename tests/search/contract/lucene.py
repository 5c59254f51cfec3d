"""Lucene's own analysis, run on the project's analysis chains through a small Java helper.

OpenSearch analyses text with Lucene; the Debian package liblucene8-java and a JDK give the
same analyzers here, with no cluster. The helper (LuceneTokens.java, next to this file) is
compiled once per test session into a temporary directory. Each OpenSearch chain in
opensearch/*.json is translated into Lucene's CustomAnalyzer factories below; a component
without a translation fails loudly rather than being skipped.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JAVA_DIR = Path("/usr/share/java")
# Debian names the jars with their version (lucene-core-8.7.0.jar in bookworm's liblucene8-java).
JARS = ("lucene-core", "lucene-analyzers-common")
HELPER = Path(__file__).with_name("LuceneTokens.java")
# Short runs: the quick compiler only and the simplest collector cost the least CPU.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")

# OpenSearch's pre-configured filters by name -> Lucene factory (SPI) names.
_BUILT_IN_FILTERS: dict[str, str] = {
    "lowercase": "lowercase",
    "uppercase": "uppercase",
    "asciifolding": "asciiFolding",
    "trim": "trim",
    "porter_stem": "porterStem",
    "kstem": "kStem",
}
# What OpenSearch's StemmerTokenFilterFactory builds for each language used here.
_STEMMERS: dict[str, tuple[str, dict[str, str]]] = {
    "english": ("porterStem", {}),
    "porter": ("porterStem", {}),
    "porter2": ("snowballPorter", {"language": "English"}),
    "light_english": ("kStem", {}),
    "minimal_english": ("englishMinimalStem", {}),
    "possessive_english": ("englishPossessive", {}),
}
_BUILT_IN_TOKENIZERS: dict[str, str] = {
    "standard": "standard",
    "keyword": "keyword",
    "whitespace": "whitespace",
}


def find_jars() -> list[Path] | None:
    jars = []
    for name in JARS:
        found = sorted(JAVA_DIR.glob(f"{name}-8*.jar")) or sorted(JAVA_DIR.glob(f"{name}.jar"))
        if not found:
            return None
        jars.append(found[-1])
    return jars


def missing() -> str | None:
    """Why the helper cannot run here, or None."""
    if not (shutil.which("java") and shutil.which("javac")):
        return "no JDK (java and javac; Debian package default-jdk-headless)"
    if find_jars() is None:
        return f"no Lucene 8 jars {', '.join(JARS)} in {JAVA_DIR} (Debian package liblucene8-java)"
    return None


@dataclass(frozen=True)
class MultiMatch:
    """A multi_match best_fields clause: (field, boost, search chain) per field."""

    text: str
    tie_breaker: float
    fields: tuple[tuple[str, float, str], ...]


@dataclass(frozen=True)
class Step:
    kind: str  # char, tokenizer, filter
    factory: str
    params: dict[str, str]


class Translation:
    """OpenSearch analysis settings as Lucene factory chains."""

    def __init__(self, analysis: Mapping[str, Any], files: Path) -> None:
        self.analysis = analysis
        self.files = files

    def chain(self, name: str, *, normalizer: bool = False) -> list[Step]:
        section = "normalizer" if normalizer else "analyzer"
        definition = self.analysis[section][name]
        if definition.get("type", "custom") != "custom":
            raise KeyError(f"{section} {name}: only custom chains are translated")
        steps = [self._char_filter(c) for c in definition.get("char_filter", [])]
        tokenizer = "keyword" if normalizer else definition["tokenizer"]
        steps.append(Step("tokenizer", _BUILT_IN_TOKENIZERS[tokenizer], {}))
        steps += [self._filter(f) for f in definition.get("filter", [])]
        return steps

    def _char_filter(self, name: str) -> Step:
        spec = self.analysis.get("char_filter", {}).get(name)
        if spec is None and name == "html_strip":
            return Step("char", "htmlStrip", {})
        if spec is not None and spec["type"] == "pattern_replace":
            return Step(
                "char", "patternReplace", {"pattern": spec["pattern"], "replacement": spec["replacement"]}
            )
        raise KeyError(f"char_filter {name}: no Lucene translation yet; add one in {__name__}")

    def _filter(self, name: str) -> Step:
        spec = self.analysis.get("filter", {}).get(name)
        if spec is None:
            if name in _BUILT_IN_FILTERS:
                return Step("filter", _BUILT_IN_FILTERS[name], {})
            raise KeyError(f"filter {name}: no Lucene translation yet; add one in {__name__}")
        kind = spec["type"]
        if kind in _BUILT_IN_FILTERS:
            return Step("filter", _BUILT_IN_FILTERS[kind], {})
        if kind == "stop":
            return Step("filter", "stop", self._stop_words(name, spec))
        if kind == "stemmer":
            factory, params = _STEMMERS[spec.get("language", spec.get("name", "english"))]
            return Step("filter", factory, params)
        if kind in ("edge_ngram", "ngram"):
            # OpenSearch's defaults are 1 and 2; Lucene's factories want both spelt out.
            params = {
                "minGramSize": str(spec.get("min_gram", 1)),
                "maxGramSize": str(spec.get("max_gram", 2)),
            }
            params["preserveOriginal"] = str(spec.get("preserve_original", False)).lower()
            return Step("filter", "edgeNGram" if kind == "edge_ngram" else "nGram", params)
        if kind == "truncate":
            return Step("filter", "truncate", {"prefixLength": str(spec.get("length", 10))})
        raise KeyError(f"filter {name} ({kind}): no Lucene translation yet; add one in {__name__}")

    def _stop_words(self, name: str, spec: Mapping[str, Any]) -> dict[str, str]:
        words = spec.get("stopwords", "_english_")
        params = {"ignoreCase": str(spec.get("ignore_case", False)).lower()}
        if words == "_english_":
            return params  # Lucene's StopFilterFactory defaults to EnglishAnalyzer's set
        if not isinstance(words, list):
            raise KeyError(f"filter {name}: stop word set {words!r} has no Lucene translation yet")
        path = self.files / f"stop_{name}.txt"
        path.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
        return {**params, "words": path.name}


_LINE_BREAKS = str.maketrans("\t\r\n", "   ")


def one_line(text: str) -> str:
    """The text as one protocol field. Every chain here that is given multi-line text (catalogue
    descriptions) splits words on anything but letters and digits, so a tab or a line break
    yields the same tokens as a space; the keyword chains only see one-line text."""
    return text.translate(_LINE_BREAKS)


def _chain_commands(chains: Mapping[str, list[Step]]) -> list[list[str]]:
    commands: list[list[str]] = []
    for name, steps in chains.items():
        commands.append(["chain", name])
        for step in steps:
            commands.append([step.kind, name, step.factory, *(x for kv in step.params.items() for x in kv)])
    return commands


class Lucene:
    def __init__(self, classes: Path, jars: Sequence[Path], files: Path) -> None:
        self.classpath = ":".join([str(classes), *map(str, jars)])
        self.files = files

    @classmethod
    def compile(cls, directory: Path) -> Lucene:
        jars = find_jars()
        assert jars is not None, missing()
        classes = directory / "classes"
        files = directory / "files"
        classes.mkdir()
        files.mkdir()
        subprocess.run(
            ["javac", "-d", str(classes), "-cp", ":".join(map(str, jars)), str(HELPER)],
            check=True,
            capture_output=True,
        )
        return cls(classes, jars, files)

    def _run(self, commands: Iterable[Sequence[str]]) -> list[list[str]]:
        lines = []
        for command in commands:
            assert not any("\t" in part or "\n" in part for part in command), command
            lines.append("\t".join(command))
        done = subprocess.run(
            ["java", *JVM_OPTIONS, "-cp", self.classpath, "LuceneTokens", str(self.files)],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        )
        return [line.split("\t") for line in done.stdout.splitlines()]

    def english_stop_words(self) -> set[str]:
        (line,) = self._run([["stopwords"]])
        return set(line[1:])

    def analyze(
        self, chains: Mapping[str, list[Step]], texts: Sequence[tuple[str, str, str]]
    ) -> dict[str, list[str]]:
        """Tokens of each (key, chain name, text), by key."""
        commands: list[list[str]] = []
        for name, steps in chains.items():
            commands.append(["chain", name])
            for step in steps:
                commands.append(
                    [step.kind, name, step.factory, *(x for kv in step.params.items() for x in kv)]
                )
        commands += [["analyze", chain, key, one_line(text)] for key, chain, text in texts]
        return {line[1]: line[2:] for line in self._run(commands) if line[0] == "tokens"}

    def best_scores(
        self,
        chains: Mapping[str, list[Step]],
        field_chains: Mapping[str, str],
        docs: Iterable[tuple[str, Mapping[str, list[str]]]],
        queries: Mapping[str, Sequence[MultiMatch]],
    ) -> dict[str, tuple[float, str]]:
        """Per query (its clauses ORed, as bool should): the best BM25 score over the docs, and where."""
        commands = _chain_commands(chains)
        commands += [["field", field, chain] for field, chain in field_chains.items()]
        for doc_id, fields in docs:
            commands.append(["doc", doc_id])
            commands += [["value", field, one_line(v)] for field, values in fields.items() for v in values]
        for qid, clauses in queries.items():
            for clause in clauses:
                spec = [x for field, boost, chain in clause.fields for x in (field, str(boost), chain)]
                commands.append(["match", qid, str(clause.tie_breaker), clause.text, *spec])
            commands.append(["best", qid])
        return {line[1]: (float(line[2]), line[3]) for line in self._run(commands) if line[0] == "best"}
