"""What OpenSearch 2.19 core offers by name to index definitions, without plugins.

Sources (read in opensearch-project/OpenSearch, 2.x branch): the server's
``indices/analysis/AnalysisModule.java`` (analyzers default, standard, simple, stop, whitespace,
keyword; tokenizer standard; token filters stop, shingle, hunspell, lowercase; normalizer
lowercase) and the bundled analysis-common module's ``CommonAnalysisModulePlugin.java``
(getAnalyzers, getTokenFilters, getTokenizers, getCharFilters and their pre-configured
counterparts). Stemmer languages are the list documented at
https://docs.opensearch.org/latest/analyzers/token-filters/stemmer/ ; mapping parameters per
field type the ones documented under https://docs.opensearch.org/latest/field-types/ .
Deprecated spellings (nGram, edgeNGram, PathHierarchy, standard filter) are left out on purpose.
"""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LANGUAGE_ANALYZERS = _names(
    """arabic armenian basque bengali brazilian bulgarian catalan chinese cjk czech danish dutch
    english estonian finnish french galician german greek hindi hungarian indonesian irish italian
    latvian lithuanian norwegian persian portuguese romanian russian sorani spanish swedish turkish
    thai"""
)

# Usable by name in a mapping, and as "type" of an analyzer defined in the file.
ANALYZERS = frozenset({"default", "standard", "simple", "stop", "whitespace", "keyword", "pattern",
                       "fingerprint", "snowball", *_LANGUAGE_ANALYZERS})  # fmt: skip
ANALYZER_TYPES = ANALYZERS | {"custom"}

# Types a tokenizer defined in the file can have, and names usable without defining one.
TOKENIZER_TYPES = _names(
    """standard simple_pattern simple_pattern_split thai ngram edge_ngram char_group classic letter
    lowercase path_hierarchy pattern uax_url_email whitespace keyword"""
)
TOKENIZERS = _names(
    """standard keyword classic uax_url_email path_hierarchy letter whitespace ngram edge_ngram
    pattern thai lowercase"""
)

# Types a token filter defined in the file can have (some need settings, so only as a type).
TOKEN_FILTER_TYPES = _names(
    """stop shingle hunspell apostrophe arabic_normalization arabic_stem asciifolding
    bengali_normalization brazilian_stem cjk_bigram cjk_width classic czech_stem common_grams
    concatenate_graph condition decimal_digit delimited_payload delimited_term_freq
    dictionary_decompounder dutch_stem edge_ngram elision fingerprint flatten_graph french_stem
    german_normalization german_stem hindi_normalization hyphenation_decompounder
    indic_normalization keep keep_types keyword_marker kstem length limit lowercase min_hash
    multiplexer ngram pattern_capture pattern_replace persian_normalization persian_stem
    porter_stem predicate_token_filter remove_duplicates reverse russian_stem scandinavian_folding
    scandinavian_normalization serbian_normalization snowball sorani_normalization
    stemmer_override stemmer trim truncate unique uppercase word_delimiter_graph word_delimiter
    synonym synonym_graph"""
)
# Pre-configured token filters: usable in a chain by name, without a definition.
TOKEN_FILTERS = _names(
    """lowercase apostrophe arabic_normalization arabic_stem asciifolding bengali_normalization
    brazilian_stem cjk_bigram cjk_width classic common_grams czech_stem decimal_digit
    delimited_payload delimited_term_freq dutch_stem edge_ngram elision french_stem
    german_normalization german_stem hindi_normalization indic_normalization keyword_repeat kstem
    length limit ngram persian_normalization persian_stem porter_stem reverse russian_stem
    scandinavian_folding scandinavian_normalization shingle snowball sorani_normalization stemmer
    stop trim truncate type_as_payload unique uppercase word_delimiter word_delimiter_graph"""
)
# The pre-configured filters marked as working per character (multi-term aware): the only
# ones a normalizer may use, together with definitions of these types or pattern_replace.
NORMALIZER_FILTERS = _names(
    """lowercase arabic_normalization asciifolding bengali_normalization cjk_width decimal_digit
    elision german_normalization hindi_normalization indic_normalization persian_normalization
    persian_stem scandinavian_folding scandinavian_normalization sorani_normalization trim
    uppercase"""
)
NORMALIZER_FILTER_TYPES = NORMALIZER_FILTERS | {"pattern_replace"}
NORMALIZERS = frozenset({"lowercase"})
NORMALIZER_TYPES = frozenset({"custom", "lowercase"})

CHAR_FILTER_TYPES = frozenset({"html_strip", "pattern_replace", "mapping"})
CHAR_FILTERS = frozenset({"html_strip"})

STEMMER_LANGUAGES = _names(
    """arabic armenian basque bengali brazilian bulgarian catalan czech danish dutch dutch_kp
    english light_english lovins minimal_english porter2 possessive_english estonian finnish
    light_finnish french light_french minimal_french galician minimal_galician german german2
    light_german minimal_german greek hindi hungarian light_hungarian indonesian irish italian
    light_italian sorani latvian lithuanian norwegian light_norwegian minimal_norwegian
    light_nynorsk minimal_nynorsk portuguese light_portuguese minimal_portuguese portuguese_rslp
    romanian russian light_russian spanish light_spanish swedish light_swedish turkish"""
)

# index.max_ngram_diff and index.max_shingle_diff when the settings do not say.
DEFAULT_MAX_NGRAM_DIFF = 1
DEFAULT_MAX_SHINGLE_DIFF = 3

_EVERY_FIELD = frozenset({"type", "meta", "copy_to", "store", "boost"})
_NUMERIC = _EVERY_FIELD | {"coerce", "doc_values", "ignore_malformed", "index", "null_value"}
# Mapping parameters each field type accepts.
FIELD_PARAMETERS: dict[str, frozenset[str]] = {
    "text": _EVERY_FIELD | {"analyzer", "search_analyzer", "search_quote_analyzer", "eager_global_ordinals",
                            "fielddata", "fielddata_frequency_filter", "fields", "index", "index_options",
                            "index_prefixes", "index_phrases", "norms", "position_increment_gap",
                            "similarity", "term_vector"},
    "keyword": _EVERY_FIELD | {"doc_values", "eager_global_ordinals", "fields", "ignore_above", "index",
                               "index_options", "normalizer", "norms", "null_value", "similarity",
                               "split_queries_on_whitespace"},
    "boolean": _EVERY_FIELD | {"doc_values", "index", "null_value"},
    "date": _NUMERIC | {"format", "locale", "print_format"},
    "date_nanos": _NUMERIC | {"format", "locale", "print_format"},
    **{t: _NUMERIC for t in ("byte", "short", "integer", "long", "float", "half_float", "double",
                             "unsigned_long")},
    "scaled_float": _NUMERIC | {"scaling_factor"},
    "object": frozenset({"type", "properties", "dynamic", "enabled"}),
    "nested": frozenset({"type", "properties", "dynamic", "include_in_parent", "include_in_root"}),
}  # fmt: skip
