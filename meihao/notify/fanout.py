"""Fanning out recorded events in the worker: find the audience, write the messages.

An app registers a handler per event name with `fan_out_handler` and records events with
`notify.services.notify_later` inside its own transaction. After the commit a Huey task (and the
minute sweep, for tasks lost or workers that died) runs each pending event:

1. claim it with a lease (one conditional UPDATE: two workers never run the same event at
   once; a dead worker's lease runs out and the sweep claims it again);
2. in one transaction, call the handler with the event's payload — it writes messages with
   `notify_enqueue`, whose idempotency keys skip what an earlier, interrupted run wrote — and
   mark the event done, only if the lease is still ours;
3. on an error, roll back and retry with the deliveries' back-off, up to their attempt limit.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meihao.notify import leases
from meihao.notify.models import FanOut

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[..., None]] = {}
LABELS: dict[str, str] = {}  # event name → what the back office calls it (lazy translation)


def fan_out_handler(event: str, *, label):
    """Register the function that tells everyone concerned of `event` (a decorator). It is
    called with the event's payload as keyword arguments, inside a transaction. `label` names
    the event in the back office."""

    def register(function):
        if HANDLERS.get(event, function) is not function:
            raise ImproperlyConfigured(f"Two fan-out handlers for the event {event!r}.")
        HANDLERS[event] = function
        LABELS[event] = label
        return function

    return register


class LeaseLost(Exception):
    """Another worker re-claimed the event while ours was running: ours must not commit."""


def claimable(now) -> Q:
    return Q(status=FanOut.Status.PENDING, next_attempt_at__lte=now) & leases.unleased(now)


def claim(fan_out_id: int) -> str | None:
    return leases.claim(FanOut, fan_out_id, claimable(timezone.now()))


def run_one(fan_out_id: int) -> str | None:
    """Claim and run one event. Returns its new status, or None if another worker has it."""
    token = claim(fan_out_id)
    if token is None:
        return None
    event = FanOut.objects.get(pk=fan_out_id)
    try:
        with transaction.atomic():
            handler = HANDLERS.get(event.event)
            if handler is None:
                raise LookupError(f"no fan-out handler is registered for {event.event!r}")
            handler(**event.payload)
            finished = FanOut.objects.filter(pk=fan_out_id, lease_token=token).update(
                status=FanOut.Status.DONE, done_at=timezone.now(), lease_until=None, last_error=""
            )
            if not finished:
                raise LeaseLost
    except LeaseLost:
        logger.warning("notify fan-out %s outlived its lease; the new claim will run it", event.pk)
        return None
    except Exception as exc:
        logger.warning("notify fan-out %s failed: %s", event.pk, exc)
        return _record_failure(event, token, f"{type(exc).__name__}: {exc}")
    return FanOut.Status.DONE


def _record_failure(event: FanOut, token: str, error: str) -> str:
    return leases.record_failure(
        event, token, error, retry=FanOut.Status.PENDING, dead=FanOut.Status.DEAD
    )


def fan_out_due(*, limit: int = 500) -> dict[str, int]:
    """Run every pending event that is due, oldest first."""
    return leases.run_each(leases.due_ids(FanOut, claimable(timezone.now()), limit=limit), run_one)
