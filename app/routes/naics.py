"""HTTP for the NAICS catalogue: /api/v1/naics (search and autocomplete live with the search routes).

Literal paths (sectors, levels, categories, validate, suggestions, and the
search routes added elsewhere under the same prefix) never reach ``{code}``:
Litestar's router prefers a static segment to a path parameter.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, MediaType, Response, get, patch, post
from litestar.params import Parameter

from app.models import User
from app.naics.codes import LEVEL_NAMES, VALID_LEVELS
from app.routes.paging import Limit, Offset
from app.schemas.naics import (
    CategoryCodes,
    CategoryItem,
    CategorySummary,
    LevelItem,
    NaicsAdminDetail,
    NaicsAdminPatch,
    NaicsChildren,
    NaicsDetail,
    NaicsList,
    NaicsPage,
    NaicsSummary,
    SectorItem,
    SuggestionsResponse,
    ValidateRequest,
    ValidateResponse,
)
from app.services.naics_catalogue import NaicsCatalogue, parse_code
from app.services.naics_search import NaicsSearch
from app.services.naics_typeahead import Typeahead

Level = Annotated[int | None, Parameter(description="2, 3, 4 or 6 (digits of the code).")]
CODE_DOC = (
    "A NAICS code: 2, 3, 4 or 6 digits; sectors also as 32, 33, 45, 49 or the ranges 31-33, 44-45, 48-49."
)


class NaicsController(Controller):
    path = "/api/v1/naics"
    tags = ["naics"]

    @get("/", summary="List codes with filters and pagination")
    async def list_codes(
        self,
        catalogue: NaicsCatalogue,
        level: Level = None,
        sector: Annotated[str | None, Parameter(description="Sector code (31, 33 and 31-33 alike).")] = None,
        category: Annotated[str | None, Parameter(description="One of the 14 categories.")] = None,
        parent: Annotated[str | None, Parameter(description="Direct parent code.")] = None,
        active: bool | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> NaicsPage:
        rows, total = await catalogue.list_codes(
            level=level,
            sector=sector,
            category=category,
            parent=parent,
            active=active,
            limit=limit,
            offset=offset,
        )
        return NaicsPage(items=[NaicsSummary.of(r) for r in rows], total=total, limit=limit, offset=offset)

    @get("/sectors", summary="The 20 sectors, with their published codes (31-33 ...)")
    async def sectors(self, catalogue: NaicsCatalogue) -> list[SectorItem]:
        rows = await catalogue.sectors()
        return [SectorItem.of(r) for r in rows]

    @get("/levels", summary="The hierarchy levels and how many codes each has")
    async def levels(self, catalogue: NaicsCatalogue) -> list[LevelItem]:
        counts = await catalogue.level_counts()
        return [LevelItem(level=lv, name=LEVEL_NAMES[lv], digits=lv, count=counts[lv]) for lv in VALID_LEVELS]

    @get("/categories", summary="The 14 categories and how many codes each has")
    async def categories(self, catalogue: NaicsCatalogue) -> list[CategoryItem]:
        counts = await catalogue.category_counts()
        return [CategoryItem(category=str(c), count=n) for c, n in counts.items()]

    @get("/categories/summary", summary="Code counts per category and per level")
    async def categories_summary(self, catalogue: NaicsCatalogue) -> CategorySummary:
        categories = await catalogue.category_counts()
        levels = await catalogue.level_counts()
        return CategorySummary(
            total=sum(levels.values()),
            categories=[CategoryItem(category=str(c), count=n) for c, n in categories.items()],
            levels=[
                LevelItem(level=lv, name=LEVEL_NAMES[lv], digits=lv, count=levels[lv]) for lv in VALID_LEVELS
            ],
        )

    @get("/categories/{category:str}/codes", summary="Codes of one category")
    async def category_codes(
        self,
        catalogue: NaicsCatalogue,
        category: str,
        level: Level = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> CategoryCodes:
        parsed, rows, total = await catalogue.codes_in_category(
            category, level=level, limit=limit, offset=offset
        )
        return CategoryCodes(
            category=str(parsed),
            items=[NaicsSummary.of(r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @post("/validate", summary="Is this a well-formed, existing, active code?", status_code=200)
    async def validate(self, catalogue: NaicsCatalogue, data: ValidateRequest) -> ValidateResponse:
        return await catalogue.validate(data.code)

    @get("/suggestions", summary="Codes to suggest for an experience type, likeliest categories first")
    async def suggestions(
        self,
        catalogue: NaicsCatalogue,
        experience_type: Annotated[str, Parameter(description="certificate, degree, course, gig, ...")],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> SuggestionsResponse:
        s = await catalogue.suggestions(experience_type, limit=limit, offset=offset)
        return SuggestionsResponse(
            experience_type=s.experience_type,
            experience_category=s.experience_category,
            categories=[str(c) for c in s.categories],
            items=[NaicsSummary.of(r) for r in s.codes],
        )

    @get("/{code:str}", summary="One code", description=CODE_DOC)
    async def get_code(self, code: str, naics_search: NaicsSearch) -> Response[NaicsDetail]:
        # Read on every pick of a suggestion: served from the process's in-memory catalogue
        # (encoded once per catalogue version, as fresh as autocomplete), PostgreSQL otherwise.
        # One dependency, not two: Litestar resolves a handler's sibling dependencies in an
        # anyio task group, a seventh of this read's CPU.
        detail = await naics_search.picked(parse_code(code))
        if isinstance(detail, bytes):
            return Response(detail, media_type=MediaType.JSON)
        return Response(detail)

    @get("/{code:str}/children", summary="Direct children of a code")
    async def children(self, catalogue: NaicsCatalogue, code: str) -> NaicsChildren:
        row, rows = await catalogue.children(code)
        return NaicsChildren(code=row.code, items=[NaicsSummary.of(r) for r in rows], total=len(rows))

    @get("/{code:str}/parent", summary="The direct parent of a code (404 for a sector)")
    async def parent(self, catalogue: NaicsCatalogue, code: str) -> NaicsSummary:
        return NaicsSummary.of(await catalogue.parent(code))

    @get("/{code:str}/hierarchy", summary="The code's ancestors, sector first, then the code")
    async def hierarchy(self, catalogue: NaicsCatalogue, code: str) -> NaicsList:
        rows = await catalogue.hierarchy(code)
        return NaicsList(items=[NaicsSummary.of(r) for r in rows], total=len(rows))

    @get("/{code:str}/descendants", summary="Every code below this one")
    async def descendants(
        self, catalogue: NaicsCatalogue, code: str, level: Level = None, limit: Limit = 50, offset: Offset = 0
    ) -> NaicsPage:
        rows, total = await catalogue.descendants(code, level=level, limit=limit, offset=offset)
        return NaicsPage(items=[NaicsSummary.of(r) for r in rows], total=total, limit=limit, offset=offset)

    @patch("/{code:str}", summary="Edit admin annotations (administrators only)")
    async def patch_code(
        self,
        catalogue: NaicsCatalogue,
        typeahead: Typeahead,
        admin_user: User,
        code: str,
        data: NaicsAdminPatch,
    ) -> NaicsAdminDetail:
        row = await catalogue.patch_admin_fields(code, data.changes())
        # The editor reads their own change at once; other processes within a refresh period.
        typeahead.forget(row.code)
        return NaicsAdminDetail.of(row)
