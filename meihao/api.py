"""The JSON API at /api/v1/: one NinjaAPI mounting every app's router.

Authentication (every endpoint; a router never sets its own `auth`, so none narrows it):
- a browser session (the same log-in as the pages; unsafe methods need the CSRF token in the
  `X-CSRFToken` header), or
- a personal API token: `Authorization: Bearer mh_…`. Tokens are created and revoked on the
  profile page (/people/me/); only their SHA-256 is stored and the token is shown once.
Without either, the answer is 401.

Errors (meihao.core.api.ProductApi, one handler for the whole API) are JSON `ErrorOut`,
`{"code": "...", "message": "..."}`, the message in the user's language (Accept-Language or
the language cookie; Simplified Chinese by default), declared on every operation of the
OpenAPI schema:
- 400 a domain error's code (e.g. `validation_failed`, `duplicate_id_number`) with `field`, or
  `malformed_request` for a body that cannot be read (invalid JSON, a multipart body without a
  boundary, a wrong content type);
- 401 `unauthenticated`; 403 `forbidden`, or `csrf_failed`; 404 `not_found` — also for objects
  outside the user's scope, which are indistinguishable from missing ones, and for addresses
  under /api/v1/ that do not exist; 405 `method_not_allowed` (with `Allow`);
- 409 `illegal_transition`, `concurrent_change`, `idempotency_key_reused` (the key was sent
  before with a different request; the same request again replays the first answer);
- 422 `invalid_input` with `errors`: each bad input's `loc`, `field`, `type` and `message`;
- 429 `throttled` with `Retry-After`; an unexpected failure is a 500 `server_error`.

Integers are bounded where they are parsed (meihao.core.schemas: `Id` 1…2⁶³−1, `Offset`
0…10,000,000, `Limit` 1–100): larger numbers, non-ASCII digits and numbers too long to parse
are a 422, never a database error. Lists take `limit` (default 20) and `offset` and answer
`{"items": [...], "count": N}`.

People (meihao.people.api):
- GET /me — the user: name, masked mobile number, roles with their scopes, abilities.
- GET /people?q=&limit=&offset= — people the user may see (people viewers only, else 404);
  `q` is part of a name, a mobile number or its last four digits, or an ID-card number.
- GET /people/{id} — one person, personal data masked; 404 when out of scope.

The OpenAPI schema is at /api/v1/openapi.json and interactive docs at /api/v1/docs.
"""

from ninja.security import django_auth

from meihao.activities.api import router as activities_router
from meihao.cases.api import router as cases_router
from meihao.core.api import ProductApi
from meihao.insights.api import router as insights_router
from meihao.ledger.api import router as ledger_router
from meihao.people.api import router as people_router
from meihao.people.auth import ApiTokenAuth
from meihao.places.api import router as places_router
from meihao.rewards.api import router as rewards_router
from meihao.timebank.api import router as timebank_router
from meihao.volunteers.api import router as volunteers_router
from meihao.wishes.api import router as wishes_router

api = ProductApi(
    title="Meihao API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # A bearer token first (apps), then the browser session (CSRF-checked for unsafe methods).
    # Every router inherits both: a router never sets its own `auth`.
    auth=[ApiTokenAuth(), django_auth],
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
api.add_router("/indicators", insights_router, tags=["indicators"])
