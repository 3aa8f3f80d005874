"""Digests: one message per person, kind and window instead of one per event.

A digested kind's events (notify.kinds) are written by `notify_enqueue` as waiting messages:
not in the inbox, no deliveries, grouped by `digest_key` (kind, person, window) and due at the
window's end (`deliver_after`). The worker's minute sweep sends each due group as one message
listing its events with their links, by the channel the person chose for the kind, and marks
the events as listed in it. A window with no events sends nothing.

Each group goes out in its own transaction. The digest's idempotency key names the group's
first event, so two sweeps racing on one group write one digest (the loser's insert is skipped
and it lists nothing), and an event written after its group was sent starts a new one.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from meihao.notify.delivery import absolute_link
from meihao.notify.kinds import NotifyBy, kind_of
from meihao.notify.models import Message, Preference
from meihao.notify.services import _render, _save_new, chosen_channels, deliveries_for

logger = logging.getLogger(__name__)


def waiting():
    return Message.objects.filter(digest__isnull=True).exclude(digest_key="")


def send_due_digests(*, limit: int = 1000) -> int:
    """Send every digest whose window has ended; returns how many were sent."""
    keys = list(
        waiting()
        .filter(deliver_after__lte=timezone.now())
        .order_by()
        .values_list("digest_key", flat=True)
        .distinct()[:limit]
    )
    sent = 0
    for key in keys:
        with transaction.atomic():
            sent += send_digest(key)
    return sent


def _lines(events) -> str:
    return "\n".join(
        f"- {event.subject}" + (f"\n  {absolute_link(event.link)}" if event.link else "")
        for event in events
    )


def send_digest(digest_key: str) -> int:
    """Send one group's digest (inside the caller's transaction); 1 if sent, else 0."""
    events = list(
        waiting().filter(digest_key=digest_key).select_related("recipient").order_by("id")
    )
    if not events:
        return 0
    first = events[0]
    kind = kind_of(first.kind)
    user = first.recipient
    channel = chosen_channels([user.pk], kind)[user.pk]
    if channel == NotifyBy.OFF or not kind.digested:
        # Turned off while the events waited: they are not sent, now or later.
        Message.objects.filter(pk__in=[event.pk for event in events]).delete()
        return 0
    preference = Preference.objects.filter(user=user).first()
    language = first.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(_render(kind.digest_subject, {"count": len(events)}).split())[:200]
        link = kind.digest_link() if kind.digest_link else ""
    now = timezone.now()
    digest = Message(
        recipient=user,
        kind=kind.code,
        subject=subject,
        body=_lines(events),
        link=link,
        language=language,
        idempotency_key=f"digest:{digest_key}:{first.pk}",
        created_at=now,
    )
    deliveries, digest.read_at = deliveries_for(channel, preference, now)
    created = _save_new([(digest, deliveries)])
    if not created:
        logger.info("notify digest %s was sent by another sweep", digest_key)
        return 0
    Message.objects.filter(pk__in=[event.pk for event in events], digest__isnull=True).update(
        digest=created[0]
    )
    return 1
