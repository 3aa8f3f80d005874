"""Bearer-token authentication for the JSON API (apps, scripts, the wall screen).

Tokens are `mh_…` strings shown once at creation; only their SHA-256 is stored, so a leaked
database does not leak usable tokens. Session log-ins use Ninja's `django_auth` (with CSRF).
"""

import datetime
import hashlib

from django.utils import timezone
from ninja.security import HttpBearer

from meihao.people.models import ApiToken

# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to tell a live token from a forgotten one.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def user_for_token(plaintext: str):
    """The active user owning the unrevoked token, or None."""
    if not plaintext:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class ApiTokenAuth(HttpBearer):
    openapi_description = "A personal API token (mh_…) created on the profile page."

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            # Handlers read request.user whichever way the caller logged in.
            request.user = user
        return user
