"""Who learns of what happens to an activity they signed up for.

Called by the services inside their transaction (notify delivers after commit). Each message
names its event in the idempotency key, so a retried action never notifies twice.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue

register_kind("activity_cancelled", label=_("An activity I signed up for is cancelled"))
register_kind("activity_changed", label=_("An activity I signed up for changes time or place"))
register_kind("activity_promoted", label=_("I get a place from the waiting list"))


def _send(activity, *, kind, recipients, subject, body, event_key, extra=None):
    notify_enqueue(
        recipients=recipients,
        kind=kind,
        subject=subject,
        body=body,
        link=reverse("activities:detail", args=[activity.pk]),
        target=activity,
        idempotency_key=f"activity:{activity.pk}:{event_key}",
        context={"activity": activity, "title": activity.title, **(extra or {})},
    )


def activity_notify_cancelled(activity, signups) -> None:
    """Everyone still signed up (confirmed or waiting) learns that it will not take place."""
    _send(
        activity,
        kind="activity_cancelled",
        recipients=[signup.person.user for signup in signups],
        subject=_("Cancelled: {{ title }}"),
        body=_(
            "The activity “{{ title }}” on {{ activity.starts_at|date:'Y-m-d H:i' }} is "
            "cancelled. Reason: {{ activity.cancel_reason }}"
        ),
        event_key="cancelled",
    )


def activity_notify_changed(activity, signups, version: str) -> None:
    """A published activity's time or place changed: those signed up must know."""
    _send(
        activity,
        kind="activity_changed",
        recipients=[signup.person.user for signup in signups],
        subject=_("Changed: {{ title }}"),
        body=_(
            "The activity “{{ title }}” now takes place from "
            "{{ activity.starts_at|date:'Y-m-d H:i' }} to {{ activity.ends_at|date:'H:i' }} "
            "at {{ activity.venue|default:activity.online_url }}."
        ),
        event_key=f"changed:{version}",
    )


def activity_notify_promoted(signup) -> None:
    """A place became free and the first on the waiting list has it."""
    activity = signup.activity
    _send(
        activity,
        kind="activity_promoted",
        recipients=[signup.person.user],
        subject=_("You have a place: {{ title }}"),
        body=_(
            "A place became free in “{{ title }}” on {{ activity.starts_at|date:'Y-m-d H:i' }} "
            "and it is yours. If you cannot come, cancel your sign-up so the next person gets it."
        ),
        event_key=f"promoted:{signup.pk}",
    )
