"""Idempotency keys: the same request sent again replays the first answer; another request
under a used key is refused (409), never answered with the first request's object."""

import hashlib
import json

from django.utils.translation import gettext_lazy as _

from meihao.core.errors import DomainError


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 409
    default_message = _("This idempotency key was already used for a different request.")


def request_fingerprint(**arguments) -> str:
    """A digest of what a request asked for (model instances by their primary key)."""

    def plain(value):
        return getattr(value, "pk", None) if hasattr(value, "_meta") else str(value)

    canonical = json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=plain)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_same_request(stored: str, fingerprint: str) -> None:
    """Refuse a key whose first request differs. A record stored before fingerprints were kept
    (an empty one) replays, as it always did."""
    if stored and stored != fingerprint:
        raise IdempotencyKeyReused()
