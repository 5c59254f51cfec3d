"""NAICS search and autocomplete: OpenSearch first, PostgreSQL when the engine is gone.

Both back ends apply the same relevance tiers to the same prepared query, so a result's
`score` and `match_type` do not depend on which one answered; `engine` says which did.
Autocomplete first asks the process's in-memory index (services.naics_typeahead), which
holds the same tiers for the cheap part of the table.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import msgspec

from app.limits import MAX_AUTOCOMPLETE_LIMIT, MAX_PAGE_SIZE, check_page
from app.naics.categories import Category
from app.naics.classifier import Assessment, NaicsClassifier
from app.naics.codes import display_code
from app.repositories.naics_search_pg import NaicsFilterValues, PgNaicsResult, search_naics
from app.schemas.naics import NaicsDetail
from app.schemas.naics_search import NaicsAutocompleteResponse, NaicsItem, NaicsSearchResponse, SourceCode
from app.search.definitions import alias_name
from app.search.explain import Explain, WithinTierSignal, explain_hit, order_within_tiers
from app.search.facets import NAICS_FACETS, facets_from_rows
from app.search.naics_queries import build_naics_autocomplete, build_naics_browse, build_naics_search
from app.search.naics_results import NaicsSearchResult, parse_naics_response
from app.search.spelling import CorrectedQuery
from app.search.text import PreparedQuery, SpelledWords, prepare_query
from app.search.tiers import (
    BROAD_TIERS,
    BROWSE,
    CLASSIFIER_TIER,
    COVERAGE_WEIGHT,
    LIKELY_WEIGHT,
    TIER_BY_NAME,
    TIERS,
    Rule,
    Tier,
)
from app.search.typeahead import TypeaheadIndex, TypeaheadResult
from app.services.naics_classifier import (
    RERANK_WINDOW,
    Classifier,
    assess_query,
    learned_fill,
    learned_signal,
    likely_codes,
)
from app.services.naics_typeahead import Typeahead
from app.services.search_fallback import ENGINE_OPENSEARCH, ENGINE_POSTGRES, SearchBackends, search_session
from app.services.search_input import (
    category_values,
    check_query,
    level_values,
    sector_values,
)
from app.services.search_insights import InsightsRecorder

log = logging.getLogger(__name__)

ENGINE_MEMORY = "memory"


def _source_code(tier: Tier, prepared: PreparedQuery) -> SourceCode | None:
    if tier.source_scheme is None:
        return None
    code = prepared.sic_code if tier.rule is Rule.SIC_CODE else prepared.raw_code
    return SourceCode(tier.source_scheme, code) if code else None


def _item(fields: dict[str, Any], tier: Tier, prepared: PreparedQuery, relevance: float = 0.0) -> NaicsItem:
    code = str(fields["code"])
    return NaicsItem(
        code=code,
        display_code=display_code(code),
        title=str(fields.get("title") or ""),
        level=int(fields["level"]),
        sector=fields.get("sector"),
        sector_title=fields.get("sector_title"),
        category=str(fields.get("category") or ""),
        score=tier.score,
        match_type=tier.name,
        source_code=_source_code(tier, prepared),
        # The back end's own tie-break inside the tier, kept for explain=true (dropped otherwise).
        explain=Explain(tier.name, tier.field, [], [], [], {"relevance": relevance}) if relevance else None,
    )


def _items(found: TypeaheadResult, prepared: PreparedQuery) -> list[NaicsItem]:
    # The in-memory index holds exactly the item's other fields, already typed.
    return [_item(hit.fields, hit.tier, prepared, hit.relevance) for hit in found.items]


def _from_engine(result: NaicsSearchResult, prepared: PreparedQuery) -> tuple[list[NaicsItem], int]:
    items = [
        _item(
            hit.source | {"code": hit.code}, TIER_BY_NAME.get(hit.match_type, BROWSE), prepared, hit.relevance
        )
        for hit in result.items
    ]
    return items, result.total


def _from_postgres(result: PgNaicsResult, prepared: PreparedQuery) -> list[NaicsItem]:
    # The SQL names a row's tier by its position in TIERS (-1 when browsing), never by a score.
    return [
        _item(row, TIERS[row["tier"]] if row["tier"] >= 0 else BROWSE, prepared, float(row.get("rank") or 0))
        for row in result.items
    ]


class NaicsQuery(msgspec.Struct, frozen=True):
    """What a NAICS search asks for: the text, the facet filters (values of one ORed) and the page."""

    q: str | None = None
    sector: Sequence[str] | None = None
    category: Sequence[str] | None = None
    level: Sequence[str] | None = None
    limit: int = 20
    offset: int = 0

    def filter_values(self) -> NaicsFilterValues:
        """The filters checked and canonical (InvalidSearchInput naming the filter)."""
        return NaicsFilterValues(
            sector_values(self.sector),
            category_values("category", self.category, Category),
            level_values(self.level),
        )


async def _search(
    backends: SearchBackends,
    query: NaicsQuery,
    spelled: SpelledWords | None = None,
    likely: Sequence[str] = (),
) -> NaicsSearchResponse:
    """Tiered search; a blank query lists every code in code order (score 0, "browse").

    spelled: the catalogue's words (the in-memory index's speller), which the fuzzy tier
    takes as written; None without the process's catalogue. likely: codes both back ends
    rank first inside their tier (services.naics_classifier.LIKELY_CODES).
    """
    q = check_query(query.q)
    limit, offset = query.limit, query.offset
    check_page(limit, offset)
    browse = not q.strip()
    prepared = prepare_query(q, spelled)
    filters = query.filter_values()
    engine_filters: dict[str, Any] = {
        "sector": list(filters.sectors),
        "category": list(filters.categories),
        "level": list(filters.levels),
    }
    if browse:
        body = build_naics_browse(engine_filters, limit=limit, offset=offset)
    else:
        body = build_naics_search(
            q, engine_filters, limit=limit, offset=offset, spelled=spelled, likely=likely
        )
    index = alias_name("naics", backends.index_prefix)

    async def from_engine() -> NaicsSearchResponse:
        response = await backends.client.search(index=index, body=body)
        parsed = parse_naics_response(response, browse=browse)
        items, total = _from_engine(parsed, prepared)
        return NaicsSearchResponse(items=items, total=total, facets=parsed.facets, engine=ENGINE_OPENSEARCH)

    async def from_postgres() -> NaicsSearchResponse:
        async with search_session(backends.sessions) as session:
            pg = await search_naics(
                session, prepared, filters, limit=limit, offset=offset, browse=browse, likely=likely
            )
        return NaicsSearchResponse(
            items=_from_postgres(pg, prepared),
            total=pg.total,
            facets=facets_from_rows(NAICS_FACETS, pg.facets),
            engine=ENGINE_POSTGRES,
        )

    answer = await backends.hedge.run(
        "naics:browse" if browse else "naics:search", from_engine, from_postgres
    )
    return answer.value


class _Wording(NamedTuple):
    """One wording of a keystroke that autocomplete asks the engine or PostgreSQL, in order."""

    prepared: PreparedQuery
    broad: tuple[bool, ...]  # the tier sets to try: cheap (False), then broad (True)
    correction: str | None = None  # the speller's text when this is the corrected wording


async def _autocomplete(
    backends: SearchBackends, q: str | None, limit: int, typeahead: Typeahead | None
) -> NaicsAutocompleteResponse:
    """The best few codes for what has been typed so far; nothing for a blank query.

    Per keystroke, only the cheap tiers run: in memory when the process has the catalogue
    (``engine`` "memory"), else on the engine. The broad ones (typos, some words) cost
    several times more and only run, on the engine, when the cheap ones find nothing, so
    ``total`` counts the matches of the tiers searched. Either way the items are what a full
    search lists first: broad tiers rank below every other.

    When nothing at all matches the words as typed and the speller corrected some, the broad
    tiers run once more on the corrected words (``corrected_query`` says so), as a search
    would: "polariscopes manuacturing", one word the catalogue never writes and one typo,
    matches no tier as typed, and "manufacturing" alone is half of it corrected.
    """
    q = check_query(q)
    check_page(limit, 0, MAX_AUTOCOMPLETE_LIMIT)
    index = await typeahead.index() if typeahead is not None else None
    spelled = index.speller.spelled if index is not None else None
    prepared = prepare_query(q, spelled)
    if prepared.is_empty:
        return NaicsAutocompleteResponse(items=[], total=0, engine=ENGINE_OPENSEARCH)
    asked = [_Wording(prepared, broad=(False, True))]
    if index is not None:
        found = index.search(prepared, limit)
        corrected = None if found.items else index.speller.correct(prepared.words)
        if corrected is not None:
            # A typo: the corrected words through the cheap tiers, still in memory.
            corrected_prepared = prepare_query(corrected.text, spelled)
            found = index.search(corrected_prepared, limit)
            if found.items:
                return NaicsAutocompleteResponse(
                    items=_items(found, corrected_prepared),
                    total=found.total,
                    engine=ENGINE_MEMORY,
                    corrected_query=corrected.text,
                )
        if not found.items and not prepared.may_have_typos:
            # No typo tier for these words: the broad tiers are some_words alone, in memory too.
            found = index.some_words(prepared, limit)
        if found.items or not prepared.may_have_typos:
            return NaicsAutocompleteResponse(
                items=_items(found, prepared), total=found.total, engine=ENGINE_MEMORY
            )
        # The cheap tiers are known to be empty, for the typed and the corrected words.
        asked = [_Wording(prepared, broad=(True,))]
        if corrected is not None:
            asked.append(_Wording(corrected_prepared, broad=(True,), correction=corrected.text))
    alias = alias_name("naics", backends.index_prefix)

    async def from_engine() -> NaicsAutocompleteResponse:
        for wording in asked:
            text = wording.correction or q
            for broad in wording.broad:
                body = build_naics_autocomplete(text, limit=limit, broad=broad, spelled=spelled)
                items, total = _from_engine(
                    parse_naics_response(await backends.client.search(index=alias, body=body)),
                    wording.prepared,
                )
                if items:
                    return NaicsAutocompleteResponse(
                        items=items, total=total, engine=ENGINE_OPENSEARCH, corrected_query=wording.correction
                    )
        return NaicsAutocompleteResponse(items=[], total=0, engine=ENGINE_OPENSEARCH)

    async def from_postgres() -> NaicsAutocompleteResponse:
        # A session only now: most keystrokes never need PostgreSQL, and a per-request
        # session (created, committed, closed) cost more than the in-memory search itself.
        async with search_session(backends.sessions) as session:
            for wording in asked:
                for broad in wording.broad:
                    pg = await search_naics(
                        session,
                        wording.prepared,
                        NaicsFilterValues(),
                        limit=limit,
                        offset=0,
                        with_facets=False,
                        broad=broad,
                    )
                    if pg.items:
                        return NaicsAutocompleteResponse(
                            items=_from_postgres(pg, wording.prepared),
                            total=pg.total,
                            engine=ENGINE_POSTGRES,
                            corrected_query=wording.correction,
                        )
        return NaicsAutocompleteResponse(items=[], total=0, engine=ENGINE_POSTGRES)

    return (await backends.hedge.run("naics:autocomplete", from_engine, from_postgres)).value


# --------------------------------------------------------------------------- corrections, explain


def _best_score(items: Sequence[NaicsItem]) -> int:
    return items[0].score if items else -1


def _found_nothing_strong(items: Sequence[NaicsItem]) -> bool:
    # Only the broad tiers (or nothing) answered: the query as typed is likely misspelt.
    return not items or items[0].match_type in BROAD_TIERS


Response = TypeVar("Response", NaicsSearchResponse, NaicsAutocompleteResponse)


def _finish(
    response: Response,
    q: str,
    corrected: CorrectedQuery | None,
    *,
    explain: bool,
    within_tier_signal: WithinTierSignal | None,
) -> Response:
    plain = not explain and within_tier_signal is None and corrected is None
    if plain and all(item.explain is None for item in response.items):
        return response  # the per-keystroke common case: nothing to add or drop
    items = order_within_tiers(response.items, within_tier_signal)
    if explain:
        prepared = prepare_query(corrected.text if corrected else q)
        explained = []
        for item in items:
            signals = dict(item.explain.signals) if item.explain else {}
            signals["learned"] = within_tier_signal(item.code) if within_tier_signal else None
            tier = TIER_BY_NAME.get(item.match_type, BROWSE)
            explained.append(
                msgspec.structs.replace(item, explain=explain_hit(tier, prepared, corrected, signals))
            )
        items = explained
    else:
        items = [
            item if item.explain is None else msgspec.structs.replace(item, explain=None) for item in items
        ]
    return msgspec.structs.replace(
        response, items=items, corrected_query=corrected.text if corrected else None
    )


def _coverage(
    items: Sequence[NaicsItem], text: str, index: TypeaheadIndex | None, likely: Sequence[str] = ()
) -> dict[str, int]:
    """Words of the query each broad-tier hit holds: read back from the back end's relevance
    (less LIKELY_WEIGHT for the likely codes the search sent), plus those only the titles
    above the code hold, when the process has its catalogue (TypeaheadIndex.broader_coverage)."""
    first = set(likely)
    held = {
        item.code: int(
            (item.explain.signals.get("relevance", 0) - (LIKELY_WEIGHT if item.code in first else 0))
            // COVERAGE_WEIGHT
        )
        for item in items
        if item.explain is not None and item.match_type in BROAD_TIERS
    }
    if index is not None and held:
        for code, count in index.broader_coverage(prepare_query(text), held).items():
            held[code] += count
    return held


def _guesses(
    model: NaicsClassifier,
    prepared: PreparedQuery,
    items: Sequence[NaicsItem],
    wanted: int,
    *,
    explain: bool,
    filters: NaicsFilterValues | None = None,
    per_keystroke: bool = False,
) -> list[NaicsItem]:
    """The classifier tier: likely codes the rule tiers did not list (services.naics_classifier)."""
    f = filters or NaicsFilterValues()
    found = learned_fill(
        model,
        prepared,
        {item.code for item in items},
        wanted,
        sectors=f.sectors,
        levels=f.levels,
        categories=f.categories,
        per_keystroke=per_keystroke,
    )
    out = []
    for fields, confidence in found:
        item = _item(fields, CLASSIFIER_TIER, prepared)
        if explain:
            guess = Explain(
                CLASSIFIER_TIER.name, None, list(prepared.content_words), [], [], {"learned": confidence}
            )
            item = msgspec.structs.replace(item, explain=guess)
        out.append(item)
    return out


def _likely(model: NaicsClassifier | None, text: str) -> tuple[Assessment | None, list[str]]:
    """The classifier's view of a search's text, and the codes the back end ranks first."""
    if model is None:
        return None, []
    assessment = assess_query(model, text)
    return assessment, likely_codes(assessment, prepare_query(text))


def _spans(offset: int, limit: int) -> list[tuple[int, int]]:
    """(offset, limit) requests covering the reranked window and the asked page."""
    end = max(offset + limit, RERANK_WINDOW)
    spans = [(0, min(end, MAX_PAGE_SIZE))]
    if end > MAX_PAGE_SIZE:
        spans.append((MAX_PAGE_SIZE, end - MAX_PAGE_SIZE))
    return spans


async def _search_spans(
    backends: SearchBackends,
    query: NaicsQuery,
    spans: Sequence[tuple[int, int]],
    spelled: SpelledWords | None,
    likely: Sequence[str],
) -> NaicsSearchResponse:
    """One response holding the hits of consecutive pages (total and facets of the first)."""
    first: NaicsSearchResponse | None = None
    items: list[NaicsItem] = []
    for offset, limit in spans:
        page = msgspec.structs.replace(query, limit=limit, offset=offset)
        page_response = await _search(backends, page, spelled, likely)
        first = first or page_response
        items += page_response.items
    assert first is not None
    return msgspec.structs.replace(first, items=items)


@dataclass(frozen=True, slots=True)
class NaicsSearch:
    """NAICS search and autocomplete for one API process (app.routes.dependencies provides it).

    Without the process's in-memory catalogue (typeahead) or classifier, the engine's (or
    PostgreSQL's) answers stand as they come.
    """

    backends: SearchBackends
    typeahead: Typeahead | None = None
    classifier: Classifier | None = None
    # What users search for (services.search_insights); None: not recorded.
    insights: InsightsRecorder | None = None

    async def picked(self, code: str) -> bytes | NaicsDetail:
        """The detail of a canonical code a user opened, usually by picking a suggestion: that
        typing was not abandoned (search insights). Encoded bytes from the in-memory catalogue,
        else read from PostgreSQL (CodeNotFound when there is no such code)."""
        if self.typeahead is None:
            raise LookupError("reading a code's detail needs the process's in-memory catalogue")
        if self.insights is not None:
            self.insights.opened(code)
        return await self.typeahead.read_detail(code)

    async def search(self, query: NaicsQuery, *, explain: bool = False) -> NaicsSearchResponse:
        """Tiered search (`_ranked`), counted in the search insights."""
        response = await self._ranked(query, explain=explain)
        if self.insights is not None and query.offset == 0:  # later pages: the same query read further
            self.insights.searched(query.q, response.total)
        return response

    async def _ranked(self, query: NaicsQuery, *, explain: bool) -> NaicsSearchResponse:
        """Tiered search; a blank query lists every code in code order (score 0, "browse").

        When only the broad tiers answer q and a spelling correction exists, the corrected
        query answers instead if it reaches the same tier or a stronger one
        (``corrected_query`` says so). The fuzzy tier takes the words the catalogue writes
        as written (PreparedQuery.typo_edits).

        With a trained classifier, the back end ranks its LIKELY_CODES likeliest codes first
        inside their tiers (on every page, so pages stay one order), the first RERANK_WINDOW
        hits are ordered inside their tiers by the learned signal (pages overlapping them are
        cut from the reordered window), and a first page the tiers cannot fill is topped up
        with the ``classifier`` tier.
        """
        q = check_query(query.q)
        limit, offset = query.limit, query.offset
        check_page(limit, offset)
        classifier = self.classifier
        # Never waits for the first training: until then the back end's order stands.
        model = await classifier.current(wait=False) if classifier is not None and q.strip() else None
        windowed = model is not None and offset < RERANK_WINDOW
        spans = _spans(offset, limit) if windowed else [(offset, limit)]
        index = await self.typeahead.index() if self.typeahead is not None and q.strip() else None
        spelled = index.speller.spelled if index is not None else None
        assessment, likely = _likely(model, q)
        response = await _search_spans(self.backends, query, spans, spelled, likely)
        corrected = None
        if index is not None and _found_nothing_strong(response.items):
            corrected = index.speller.correct(prepare_query(q).words)
            if corrected is not None:
                fixed, fixed_likely = _likely(model, corrected.text)
                fixed_query = msgspec.structs.replace(query, q=corrected.text)
                retry = await _search_spans(self.backends, fixed_query, spans, spelled, fixed_likely)
                # Taken when it reaches the tier the query as typed reached, or a better one: its
                # words are the catalogue's, where the typed query had one it never writes.
                if _best_score(retry.items) < max(_best_score(response.items), 0):
                    corrected = None
                else:
                    response, assessment, likely = retry, fixed, fixed_likely
        text = corrected.text if corrected else q
        signal = (
            None
            if assessment is None
            else learned_signal(assessment, _coverage(response.items, text, index, likely))
        )
        response = _finish(response, q, corrected, explain=explain, within_tier_signal=signal)
        if not windowed or model is None:
            return response
        items = response.items[offset : offset + limit]
        total = response.total
        if offset == 0 and len(items) < limit:
            wanted = query.filter_values()
            items += _guesses(
                model, prepare_query(text), items, limit - len(items), explain=explain, filters=wanted
            )
            total += len(items) - len(response.items[offset : offset + limit])
        return msgspec.structs.replace(response, items=items, total=total)

    def _answer_key(self, q: str | None, limit: int) -> Hashable:
        # Case and spacing never change an answer; the cache empties when the catalogue does,
        # and the learned order inside tiers depends on the classifier the process holds.
        version = self.classifier.built_version if self.classifier is not None else None
        return (" ".join(q.lower().split()) if q else "", limit, version)

    def cached_answer(self, q: str | None, limit: int) -> bytes | None:
        """An encoded autocomplete answer this process gave before (not Litestar's response
        cache: this one is emptied with every catalogue change). A hit counts as typed."""
        cached = self.typeahead.answer(self._answer_key(q, limit)) if self.typeahead is not None else None
        if cached is None:
            return None
        body, codes = cached
        if self.insights is not None:
            self.insights.typed(q, codes)
        return body

    def remember_answer(self, q: str | None, limit: int, body: bytes, codes: list[str]) -> None:
        """Keep an encoded answer of the in-memory index for the next identical keystroke."""
        if self.typeahead is not None:
            self.typeahead.remember(self._answer_key(q, limit), body, codes)

    async def autocomplete(
        self, q: str | None, limit: int = 8, *, explain: bool = False
    ) -> NaicsAutocompleteResponse:
        """Autocomplete (`_suggested`), counted in the search insights as typed."""
        response = await self._suggested(q, limit, explain=explain)
        if self.insights is not None:
            self.insights.typed(q, [item.code for item in response.items])
        return response

    async def _suggested(self, q: str | None, limit: int, *, explain: bool) -> NaicsAutocompleteResponse:
        """The best few codes for what has been typed so far; nothing for a blank query.

        A misspelt word (one typo, the last word included) is corrected in memory before the
        broad tiers run on the engine, so a typo costs a keystroke no more than a correct word.
        With a trained classifier, the first MAX_AUTOCOMPLETE_LIMIT matches are ordered inside
        their tiers by the learned signal and a short list is topped up with the classifier tier.
        """
        q = check_query(q)
        check_page(limit, 0, MAX_AUTOCOMPLETE_LIMIT)
        typeahead, classifier = self.typeahead, self.classifier
        # Never waits for the first training: until then the back end's order stands.
        model = await classifier.current(wait=False) if classifier is not None and q.strip() else None
        window = MAX_AUTOCOMPLETE_LIMIT if model is not None else limit
        response = await _autocomplete(self.backends, q, window, typeahead)
        index = await typeahead.index() if typeahead is not None else None
        corrected = None
        if response.corrected_query is not None:
            corrected = CorrectedQuery(tuple(response.corrected_query.split()), ())
            # The corrections themselves, for explain (cheap: only on typo queries).
            if explain and index is not None:
                corrected = index.speller.correct(prepare_query(q).words) or corrected
        text = corrected.text if corrected else q
        signal = None
        if model is not None:
            assessment = assess_query(model, text, per_keystroke=True)
            signal = learned_signal(assessment, _coverage(response.items, text, index))
        response = _finish(response, q, corrected, explain=explain, within_tier_signal=signal)
        if model is None:
            return response
        items = response.items[:limit]
        guesses = _guesses(
            model, prepare_query(text), items, limit - len(items), explain=explain, per_keystroke=True
        )
        return msgspec.structs.replace(response, items=items + guesses, total=response.total + len(guesses))
