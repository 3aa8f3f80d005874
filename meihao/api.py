"""The JSON API at /api/v1/: one NinjaAPI mounting every app's router.

Authentication (every endpoint, unless it opts out with `auth=None`):
- a browser session (the same log-in as the pages; unsafe methods need the CSRF token in the
  `X-CSRFToken` header), or
- a personal API token: `Authorization: Bearer mh_…`. Tokens are created and revoked on the
  profile page (/people/me/); only their SHA-256 is stored and the token is shown once.
Without either, the answer is 401.

Errors are JSON `{"code": "...", "message": "..."}`, the message in the user's language
(Accept-Language or the language cookie; Simplified Chinese by default):
- 401 `unauthenticated`; 403 `forbidden`; 404 `not_found` — also for objects outside the
  user's scope, which are indistinguishable from missing ones;
- 400 a domain error's code (e.g. `validation_failed`, `duplicate_id_number`) with `field`;
- 422 `invalid_input` with `errors` listing the bad parameters;
- 429 `throttled` with `Retry-After`: more than `RATE_LIMITS["api"]` requests from one user.

Lists take `limit` (1–100, default 20) and `offset` and answer `{"items": [...], "count": N}`.

People (meihao.people.api):
- GET /me — the user: name, masked mobile number, roles with their scopes, abilities.
- GET /people?q=&limit=&offset= — people the user may see (people viewers only, else 404);
  `q` is part of a name, a mobile number or its last four digits, or an ID-card number.
- GET /people/{id} — one person, personal data masked; 404 when out of scope.

The OpenAPI schema is at /api/v1/openapi.json and interactive docs at /api/v1/docs.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError
from ninja.security import django_auth

from meihao.activities.api import router as activities_router
from meihao.cases.api import router as cases_router
from meihao.core.errors import DomainError
from meihao.core.throttle import ApiRateThrottle, RateLimited
from meihao.ledger.api import router as ledger_router
from meihao.people.api import router as people_router
from meihao.people.auth import ApiTokenAuth
from meihao.places.api import router as places_router
from meihao.rewards.api import router as rewards_router
from meihao.timebank.api import router as timebank_router
from meihao.volunteers.api import router as volunteers_router
from meihao.wishes.api import router as wishes_router

api = NinjaAPI(
    title="Meihao API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # A bearer token first (apps), then the browser session (CSRF-checked for unsafe methods).
    auth=[ApiTokenAuth(), django_auth],
    throttle=ApiRateThrottle(),
)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(
        request, {"code": code, "message": str(message), **extra}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, field=exc.field)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Please log in first."))


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    # Ninja adds Retry-After from the throttle's wait.
    return _error(request, 429, "throttled", RateLimited(int(exc.wait or 1)).message)


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = _error(request, 429, "throttled", exc.message)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    return _error(
        request, 422, "invalid_input", _("Some of the data is not valid."), errors=exc.errors
    )


api.add_router("/places", places_router, tags=["places"])
api.add_router("/", people_router, tags=["people"])
api.add_router("/cases", cases_router, tags=["cases"])
api.add_router("/ledger", ledger_router, tags=["ledger"])
api.add_router("/activities", activities_router, tags=["activities"])
api.add_router("/volunteers", volunteers_router, tags=["volunteers"])
api.add_router("/rewards", rewards_router, tags=["rewards"])
api.add_router("/timebank", timebank_router, tags=["timebank"])
api.add_router("/wishes", wishes_router, tags=["wishes"])
