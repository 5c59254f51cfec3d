"""Words as people write them (app.search.wording), did-you-mean (app.search.spelling) and the
tier table every back end reads (pure parts)."""

from __future__ import annotations

import pytest

from app.repositories.naics_search_pg import SEARCH_STATEMENT, _tier_condition
from app.search.compounds import derive_compounds
from app.search.naics_document import build_naics_document
from app.search.naics_queries import tier_clause
from app.search.spelling import Speller, one_typo_away
from app.search.text import prepare_query
from app.search.tiers import BROAD_TIERS, TIERS, Rule
from app.search.wording import fold_text, rewrite, root


@pytest.mark.parametrize(
    ("words", "same_root"),
    [
        (("pharmacy", "pharmacies"), True),
        (("warehouse", "warehousing", "warehouses"), True),
        (("restaurant", "restaurants"), True),
        (("grocery", "groceries"), True),
        (("store", "stores"), True),
        (("building", "buildings"), True),
        (("box", "boxes"), True),
        (("car", "care"), False),  # short words stay whole
        (("store", "storage"), False),
        (("pharmacy", "pharmaceutical"), False),
    ],
)
def test_inflections_share_a_root_and_others_do_not(words, same_root):
    roots = {root(w) for w in words}
    assert (len(roots) == 1) is same_root
    for word in words:
        assert word.startswith(root(word))  # a root is always a prefix: contains stays a superset
    assert root("business") == "business" and root("glass") == "glass"


def test_fold_text_folds_every_word():
    assert fold_text("pharmacies and drug retailers") == fold_text("pharmacy and drug retailer")


@pytest.mark.parametrize(
    ("query", "rewritten"),
    [
        ("daycare", ("day", "care")),
        ("day care", ("daycare",)),  # the catalogue writes it both ways
        ("bookstore", ("book", "stores")),
        ("shipbuilding", ("ship", "building")),
        ("mfg", ("manufacturing",)),
        ("auto svc", ("automotive", "services")),
        ("tech dept", ("technology", "department")),
        ("bike shop", ("bicycle", "shop")),
        ("software publishers", ("software", "publishers")),
    ],
)
def test_rewrite_expands_abbreviations_and_splits_or_joins_compounds(query, rewritten):
    assert rewrite(query.split()) == rewritten


def test_symbols_become_words_in_the_second_form():
    prepared = prepare_query("Food & Beverage")
    assert [form.text for form in prepared.forms] == ["food beverage", "food and beverage"]
    assert len(prepare_query("restaurant").forms) == 1


def test_compounds_need_the_phrase_in_the_catalogue():
    pairs = derive_compounds(
        ["Carpet stores", "Child day care", "Daycare centers", "Adult day care", "pet car"]
    )
    assert ("day", "care", True) in pairs  # joined and split both written
    assert not [p for p in pairs if p[0] == "car"]  # "pet car" once: not a compound


def test_one_typo_of_each_kind():
    near = one_typo_away("software")
    assert {"sofware", "sofftware", "sfotware", "softwarr"} <= near  # dropped, doubled, swapped, wrong
    assert "software" not in near


def _doc(code: str, title: str, keywords: list[str] | None = None, description: str | None = None):
    return build_naics_document(
        {"code": code, "title": title, "level": 6, "keywords": keywords or [], "description": description}
    )


def test_speller_prefers_title_words_then_common_ones_never_code_order():
    speller = Speller(
        [
            _doc("100001", "Cart Makers", description="bart"),
            _doc("100002", "Dart Boards", keywords=["mart"]),
            _doc("100003", "Dart Leagues"),
            _doc("100004", "Hart Farms"),
        ]
    )
    # "xart" is one letter from cart, dart, hart (titles) and bart, mart: dart is in two titles.
    fix = speller.correct(("xart",))
    assert fix is not None and fix.text == "dart" and fix.corrections[0].weight == 3
    assert speller.correct(("dart",)) is None  # nothing to correct
    assert speller.correct(("da",)) is None  # too short to guess
    # The last word may be partial: "leagu" is a prefix, "laegu" one swap from one.
    assert speller.correct(("dart", "leagu")) is None
    assert speller.correct(("dart", "laegu")).text == "dart leagu"
    # A whole word one typo away beats the start of a more common word.
    dentist = Speller([_doc("1", "Dentist Offices"), _doc("2", "Density Meters"), _doc("3", "Densitometers")])
    assert dentist.correct(("denist",)).text == "dentist"
    # A word ranks where its root is written: "lawyer" is a keyword once, but the tiers match
    # it to the title's "Lawyers", so "lawer" is "lawyer", not the commoner keyword "laser".
    lawyers = Speller(
        [_doc("1", "Offices of Lawyers", keywords=["Lawyer referral"])]
        + [_doc(str(n), f"Tools {n}", keywords=["Laser tools"]) for n in range(2, 5)]
    )
    assert lawyers.correct(("lawer",)).text == "lawyer"


def test_speller_reads_the_other_words_of_the_query():
    speller = Speller(
        [
            _doc("100001", "Food Banks", keywords=["Community food pantries"]),
            _doc("100002", "Flat Glass for Windows"),
            _doc("100010", "Flat Rolled Steel for Cars"),
            _doc("100011", "Support for Farms"),
            _doc("100003", "Fast Food Restaurants", keywords=["Fat rendering"]),
            _doc("100004", "Fat and Oil Refining"),
            _doc("100005", "Pet Care Services", keywords=["Pet grooming"]),
            _doc("100006", "Nursery Growing", keywords=["Growing of plants"]),
            _doc("100007", "Shoe Stores"),
            _doc("100008", "Stone Cutting", keywords=["Shoe soles of stone"]),
            _doc("100009", "Stone Quarrying"),
        ]
    )

    def fixed(*words: str) -> str | None:
        found = speller.correct(words)
        return found.text if found else None

    # A stop word carries no meaning to correct into ("for" is in more titles than "food").
    assert fixed("fod", "bank") == "food bank"
    # The word written next to its neighbour in the catalogue: "fast food", not "fat food"
    # (also beside "food", in 100003) or "flat food" (in more titles than "fast").
    assert fixed("fsat", "food") == "fast food"
    # Written in the same code as the query's other word: "grooming", not the commoner
    # "growing"; then in more codes: "store" beside "shoe" in two, "stone" in one.
    assert fixed("pet", "grooing") == "pet grooming"
    assert fixed("shoe", "stoe") == "shoe store"
    fix = speller.correct(("pet", "grooing"))
    assert fix is not None and fix.corrections[0].context == 1
    # Without context, the first letter is kept: "mtel" is not "tel" (a title word here).
    motels = Speller(
        [_doc("1", "Hotels and Motels"), _doc("2", "Tel Services"), _doc("3", "Melons", ["Melons"])]
    )
    # The singular of a plural the catalogue writes is a word, and a whole word beats the
    # start of one ("mel", of "melons", is in a title too).
    assert motels.correct(("mtel",)).text == "motel"


def test_speller_knows_compounds_and_abbreviations():
    speller = Speller([_doc("1", "Book Stores", keywords=["Book stores, new"]), _doc("2", "Mfr Parts")])
    # "bookstore" is written "book stores" (data/compounds.txt): a typo of it is corrected to
    # it, and the tiers then search it split.
    assert speller.correct(("bokstore",)).text == "bookstore"
    # An abbreviation is a word as written, never a typo (of "mfr" here).
    assert speller.correct(("mfg",)) is None
    assert speller.spelled(("mfg", "book", "stor", "bokstore")) == {"mfg", "book"}
    # The last word may be the start of one.
    assert speller.spelled(("book", "stor")) == {"book", "stor"}


@pytest.mark.parametrize("tier", TIERS, ids=lambda t: t.name)
def test_every_tier_has_a_clause_on_each_back_end(tier):
    # One definition: the engine builder and the SQL fallback translate every tier of the
    # table (a new tier without a translation fails here, not at query time).
    assert _tier_condition(tier)
    query = {
        Rule.EXACT_CODE: "541511",
        Rule.CODE_PREFIX: "5415",
        Rule.LISTED_CODE: "511210",
        Rule.SIC_CODE: "SIC 7372",
        Rule.SOME_WORDS: "software sellers",
    }.get(tier.rule, "software")
    assert tier_clause(tier, prepare_query(query)) is not None
    # The SQL never holds a score (it names a tier by its position in TIERS), so a score
    # changed in the table alone changes every back end.
    assert f"THEN {tier.score}\n" not in str(SEARCH_STATEMENT)


def test_broad_tiers_come_from_the_rules():
    assert {"fuzzy", "some_words"} == BROAD_TIERS
    scores = [t.score for t in TIERS]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


def test_shipped_compound_table_is_derived_from_the_shipped_catalogue():
    from importlib.resources import files

    from app.search.compounds import catalogue_texts

    shipped = files("app.search").joinpath("data/compounds.txt").read_text(encoding="utf-8")
    entries = [line.split() for line in shipped.splitlines() if line and not line.startswith("#")]
    derived = derive_compounds(catalogue_texts())
    expected = [(a, b, ["+"] if joined else []) for a, b, joined in derived]
    assert [(a, b, rest) for a, b, *rest in entries] == expected


@pytest.fixture(scope="module")
def shipped_index():
    from app.naics.catalogue_data import read_catalogue_data
    from app.search.typeahead import TypeaheadIndex

    rows = ({f: getattr(r, f) for f in r.__struct_fields__} for r in read_catalogue_data().records())
    return TypeaheadIndex(build_naics_document(row) for row in rows)


@pytest.mark.parametrize(
    ("query", "code", "corrected"),
    [
        ("daycare", "624410", None),
        ("resturant", "7225", "restaurant"),
        ("sofware", "5132", "software"),
        ("coffee shop", "722515", None),
        ("511210", "513210", None),
        ("pharmacy", "456110", None),
        ("hosptal", "622", "hospital"),
        ("denist", "621210", "dentist"),
        ("bookstore", "459210", None),
        ("shipbuilding", "336611", None),
        ("bike shop", "459110", None),  # was corrected to "bake shop"
        ("pawn shop", "522299", None),  # was corrected to "pan shop"
        ("dispensary", "459991", None),  # was two edits from office supplies
        ("machine learning", "541715", None),  # was business schools
        ("fintech", "522320", None),  # found nothing
        ("edtech", "513210", None),  # was two edits from "vet tech"
        ("clinic", "621111", None),  # was offices of dentists ("dental clinic")
        ("primary care", "621111", None),  # was HMO medical centers
        ("coding bootcamp", "611420", None),  # was business support services
        ("logistics", "488510", None),  # was logistics consulting
        ("3pl", "488510", None),  # was corrected to "spl"
        ("mobile app", "541511", None),  # was travel agencies' "... or mobile application"
    ],
)
def test_fresh_catalogue_answers_everyday_queries_first(shipped_index, query, code, corrected):
    # The shipped catalogue, as a fresh install seeds it, through the in-memory index and its
    # speller (the engine and the fallback give the same tiers: tests/search agreement tests).
    prepared = prepare_query(query)
    found = shipped_index.search(prepared, 5)
    fix = None if found.items else shipped_index.speller.correct(prepared.words)
    if fix is not None:
        found = shipped_index.search(prepare_query(fix.text), 5)
    assert (fix.text if fix else None) == corrected
    assert found.items[0].fields["code"] == code


@pytest.mark.parametrize(
    ("query", "code", "rank"),
    [
        ("teacher", "611110", 1),
        ("professor", "611310", 1),  # was corrected to "processor"
        ("pharmacist", "456110", 1),
        ("barista", "722515", 1),  # was two edits from a mineral
        ("firefighter", "922160", 1),
        ("nonprofit", "813", 1),  # found nothing
        ("non-profit", "813", 1),
        ("uber", "485310", 1),  # was corrected to "umber"
        ("podcast", "516210", 1),  # was two edits from "precast" concrete
        ("content creator", "516210", 1),  # was corrected to "cremator"
        ("truck driver", "484", 1),
        ("farmer", "111", 1),  # was Business Associations ("farmers' unions")
        ("pastor", "813110", 1),  # was corrected to "pastry"
        ("author", "711510", 1),  # was Monetary Authorities
        ("caregiver", "624120", 1),  # found nothing
        ("emt", "621910", 1),  # was wiring devices
        ("welder", "332", 1),  # was welders' leather aprons
        ("construction worker", "23", 1),  # was Manufacturing
        ("cashier", "44", 1),  # was two edits from "cashew"
        ("ecommerce", "455219", 1),  # was corrected to "commerce"
        ("programmer", "541511", 1),  # was process programmers' manufacturing
        ("hedge fund", "523940", 1),  # was lawn and garden tractors
        ("airline pilot", "481111", 1),  # was airline ticket offices
        ("tutor", "611691", 1),  # was educational support services
        ("musician", "711130", 1),  # was independent artists; the Census: "Musicians, independent"
        ("surgeon", "621111", 1),  # was offices of dentists ("oral surgeons")
        ("medical assistant", "621111", 1),  # was offices of dentists
        ("personal trainer", "713940", 1),  # was all other personal services
        ("contractor", "23", 1),  # was cut and sew apparel contractors
        ("influencer", "516210", 1),  # found nothing
        ("web designer", "541511", 1),  # was interior design
        ("camp counselor", "721214", 1),  # was mental health practitioners ("counselor")
        ("lifeguard", "713940", 1),  # found guesses only; the Census: "Swimming pools"
        ("swim lessons", "611620", 1),  # was corrected to "shim lessons"
        ("dog trainer", "812910", 1),  # was other spectator sports (racing kennels)
        ("sports bar", "722410", 1),  # was cut and sew apparel contractors
        # The seed's tiers put a title that starts with the word above an alias: "Nursery and
        # Tree Production" stays first, the hospital is still on the first screen.
        ("nurse", "622110", 3),
        ("mechanic", "811111", 3),
        ("spa", "812199", 4),  # below the three Space Research and Technology codes
    ],
)
def test_a_job_title_finds_the_industry_its_people_work_in(shipped_index, query, code, rank):
    found = shipped_index.search(prepare_query(query), 5)
    assert code in [item.fields["code"] for item in found.items[:rank]]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("hospitality", "72"),  # was hospitality management schools
        ("technology", "51"),  # was Space Research and Technology
        ("energy", "2211"),  # was energy wire manufacturing
        ("renewable energy", "2211"),  # was other scientific consulting
        ("aviation", "481"),  # was flight training
        ("government", "92"),
        ("financial services", "52"),  # was payment processing
        ("defense", "928110"),  # was self-defense instruction
        ("film", "512110"),  # was plastics film
        ("recycling", "562920"),  # was compounding of recycled resins
        ("outsourcing", "5614"),  # found nothing
        ("think tanks", "541720"),  # was corrected to "thin tanks"
        ("book publishing", "513130"),  # was books printing
        ("computer hardware", "334111"),  # was computer systems design
        ("property management", "531311"),  # was government property management
        ("social services", "624"),  # was media streaming ("... Social Networks ...")
        ("alternative medicine", "621399"),  # was pharmaceutical preparations
        ("maritime", "483"),  # was engineering services
    ],
)
def test_a_whole_industry_named_as_on_a_resume_comes_first(shipped_index, query, code):
    found = shipped_index.search(prepare_query(query), 5)
    assert found.items[0].fields["code"] == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("insurance company", "524"),  # was Offices of Other Holding Companies
        ("mining company", "212"),  # was Wholesale Trade (its description)
        ("real estate company", "531"),  # was title abstract offices
        ("pr firm", "541820"),  # was residential remodelers
        ("telecom company", "517"),
        ("power company", "2211"),  # was Dance Companies
        ("security company", "561612"),  # was investment banking and securities
        ("film industry", "512110"),  # was other motion picture (its description)
        # What is written whole stays first: an alias or title with the generic word in it.
        ("law firm", "541110"),  # not "Lawn and Garden ..." as a title prefix of "law"
        ("trucking company", "484121"),
        ("software company", "513210"),
        ("dance company", "711120"),
    ],
)
def test_a_company_or_firm_is_found_by_its_industry(shipped_index, query, code):
    found = shipped_index.search(prepare_query(query), 5)
    assert found.items[0].fields["code"].startswith(code)


def test_generic_words_are_left_out_of_a_third_form_the_prefix_tier_skips():
    prepared = prepare_query("auto insurance company")
    assert [form.text for form in prepared.forms] == [
        "auto insurance company",
        "automotive insurance company",
        "automotive insurance",
    ]
    prefix_texts = [form.text for form in prepared.prefix_forms]
    assert prefix_texts == ["auto insurance company", "automotive insurance company"]
    assert prepared.content_words == ("auto", "insurance")
    # Nothing but generic words: they are the query.
    assert [form.text for form in prepare_query("company").forms] == ["company"]
    assert prepare_query("company").content_words == ("company",)


def test_explain_names_only_the_forms_a_tier_compared():
    from app.search.explain import matched_words
    from app.search.tiers import TIER_BY_NAME

    prepared = prepare_query("insurance company")
    assert matched_words(TIER_BY_NAME["exact_title"], prepared) == ["insurance company", "insurance"]
    assert matched_words(TIER_BY_NAME["title_prefix"], prepared) == ["insurance company"]
