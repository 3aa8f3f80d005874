"""Work a worker takes with a lease: outbox deliveries and fan-out events (`LeasedWork` rows).

One conditional UPDATE claims a row (only if it is due and nobody holds a live lease), so two
workers never work on the same row at once; a worker that dies leaves its lease to run out, and
the minute sweep claims the row again. Only the holder of the lease records the outcome. A
failure is retried after 1, 2, 4, 8 … minutes, up to NOTIFY_MAX_ATTEMPTS.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone


def lease_seconds() -> int:
    return int(getattr(settings, "NOTIFY_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def unleased(now) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def claim(model, pk: int, claimable: Q, **changes) -> str | None:
    """Take the lease on one row if `claimable` (built for `now`) holds; returns the lease
    token, or None if another worker has it or it is not due. `changes` are written with it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    won = (
        model.objects.filter(pk=pk)
        .filter(claimable)
        .update(
            lease_until=now + timedelta(seconds=lease_seconds()),
            lease_token=token,
            attempts=F("attempts") + 1,
            **changes,
        )
    )
    return token if won else None


def record_failure(row, token: str, error: str, *, retry: str, dead: str, give_up=False) -> str:
    """Release the lease after a failed attempt: `retry` status after the back-off, or `dead`
    once the attempts are used up (or at once with `give_up`). Returns the new status."""
    now = timezone.now()
    given_up = give_up or row.attempts >= max_attempts()
    status = dead if given_up else retry
    type(row).objects.filter(pk=row.pk, lease_token=token).update(
        status=status,
        next_attempt_at=now if given_up else now + backoff(row.attempts),
        lease_until=None,
        last_error=error[:2000],
    )
    return status


def due_ids(model, claimable: Q, *, limit: int) -> list[int]:
    return list(
        model.objects.filter(claimable)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def run_each(ids: Iterable[int], run_one: Callable[[int], str | None]) -> dict[str, int]:
    """Run `run_one` on each id; how many ended in each status (unclaimed ones not counted)."""
    outcome: dict[str, int] = {}
    for pk in ids:
        status = run_one(pk)
        if status:
            outcome[status] = outcome.get(status, 0) + 1
    return outcome


def requeue(model, ids: list[int], *, status: str) -> None:
    """Due again now, with a fresh set of attempts (an operator fixed the cause)."""
    model.objects.filter(pk__in=ids).update(
        status=status, attempts=0, next_attempt_at=timezone.now(), lease_until=None, lease_token=""
    )
