"""How services reach route handlers: one Litestar provider per service, registered once on the
app (app.asgi), so a handler names what it needs as a parameter (`catalogue: NaicsCatalogue`)
and never builds a service itself.

Request-scoped services get the request's `db_session`; process-wide ones (the search
back ends, the in-memory catalogue, the classifier, the insights recorder) are read from
`app.state` on every request, so a test that swaps one (e.g. `state.hedge`) is obeyed.
Providers with no I/O are synchronous and run inline (`sync_to_thread=False`): autocomplete
pays for them on every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import AUTH_DEPENDENCIES
from app.auth.login_limiter import LoginLimiter
from app.services.accounts import AccountService
from app.services.experience_search import ExperienceSearch
from app.services.experiences import ExperienceQuota, ExperienceService
from app.services.naics_catalogue import NaicsCatalogue
from app.services.naics_classifier import Classifier
from app.services.naics_search import NaicsSearch
from app.services.naics_typeahead import Typeahead
from app.services.resume import ResumeService
from app.services.search_fallback import SearchBackends

# The Litestar store counting failed logins (app.auth.login_limiter).
LOGIN_STORE = "login_attempts"


def provide_login_limiter(request: Request[Any, Any, Any]) -> LoginLimiter:
    return LoginLimiter(request.app.stores.get(LOGIN_STORE))


def provide_catalogue(db_session: AsyncSession) -> NaicsCatalogue:
    return NaicsCatalogue(db_session)


def provide_accounts(db_session: AsyncSession, state: State) -> AccountService:
    return AccountService(db_session, state.settings)


def provide_experience_service(db_session: AsyncSession, state: State) -> ExperienceService:
    return ExperienceService(db_session, ExperienceQuota.from_settings(state.settings))


def provide_resumes(db_session: AsyncSession, state: State) -> ResumeService:
    return ResumeService(db_session, ExperienceQuota.from_settings(state.settings))


def provide_search_backends(state: State) -> SearchBackends:
    return SearchBackends(state.search, state.sessions, state.hedge, state.settings.index_prefix)


def provide_naics_search(search_backends: SearchBackends, state: State) -> NaicsSearch:
    return NaicsSearch(search_backends, state.typeahead, state.classifier, state.insights)


def provide_experience_search(search_backends: SearchBackends, state: State) -> ExperienceSearch:
    return ExperienceSearch(search_backends, state.facet_cache)


def provide_classifier(state: State) -> Classifier:
    return state.classifier


def provide_typeahead(state: State) -> Typeahead:
    return state.typeahead


def _inline(provider: Callable[..., Any]) -> Provide:
    return Provide(provider, sync_to_thread=False)


# Every dependency a handler may ask for, by parameter name (app.asgi registers them once).
DEPENDENCIES: dict[str, Provide] = {
    **AUTH_DEPENDENCIES,
    "catalogue": _inline(provide_catalogue),
    "accounts": _inline(provide_accounts),
    "login_limiter": _inline(provide_login_limiter),
    "experience_service": _inline(provide_experience_service),
    "resumes": _inline(provide_resumes),
    "search_backends": _inline(provide_search_backends),
    "naics_search": _inline(provide_naics_search),
    "experience_search": _inline(provide_experience_search),
    "classifier": _inline(provide_classifier),
    "typeahead": _inline(provide_typeahead),
}
