"""Every write about notices: keyword-only, one transaction each, audited."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.bulletins.models import BODY_MAX, TITLE_MAX, Notice, NoticeRead
from meihao.bulletins.notifications import push_to_groups
from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers, sees_place
from meihao.places.models import Level, Place

# Where notices are published: not on one grid, which has no residents' column of its own.
NOTICE_LEVELS = frozenset({Level.DISTRICT, Level.STREET, Level.COMMUNITY})


def may_publish_at(actor, place: Place) -> bool:
    return place.level in NOTICE_LEVELS and covers(actor, place.path, OFFICIALS)


def _require_publisher(actor, place: Place) -> None:
    if not sees_place(actor, place.path):
        raise NotFound()
    if not may_publish_at(actor, place):
        raise PermissionDenied(_("You may not publish notices for this place."))


def _checked_teams(place: Place, teams) -> list:
    teams = list(teams)
    for team in teams:
        if not (team.place_path or "").startswith(place.path):
            raise ValidationFailed(
                _("A notice is pushed only to the groups of the place's own teams."),
                field="push_teams",
            )
    return teams


@transaction.atomic
def notice_save(
    *,
    actor,
    notice: Notice | None = None,
    place: Place,
    kind: str,
    title: str,
    body: str,
    publish_at: datetime.datetime | None = None,
    pinned: bool = False,
    push_teams=(),
) -> Notice:
    """Write a new notice or change one: published at once when `publish_at` is empty or past,
    scheduled otherwise. A published notice is pushed to the chosen groups once, when it is
    published (a scheduled one by the worker's `notices_publish_due`)."""
    _require_publisher(actor, place)
    if notice is not None:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_publisher(actor, notice.place)
        if notice.withdrawn_at is not None:
            raise ValidationFailed(_("A withdrawn notice cannot be changed."), code="withdrawn")
    if kind not in Notice.Kind.values:
        raise ValidationFailed(_("Choose the kind of notice."), field="kind")
    values = {
        "place": place,
        "place_path": place.path,
        "kind": kind,
        "title": clean_text(
            title, field="title", max_length=TITLE_MAX, required=_("Give the notice a title.")
        ),
        "body": clean_text(
            body, field="body", max_length=BODY_MAX, required=_("Write the notice's text.")
        ),
        "publish_at": publish_at or timezone.now(),
        "pinned": bool(pinned),
    }
    teams = _checked_teams(place, push_teams)
    if notice is None:
        notice = Notice.objects.create(author=actor, **values)
        audit_change(actor=actor, action="notice_create", target=notice, changes={})
    else:
        if notice.pushed_at is not None:
            values["publish_at"] = notice.publish_at  # published and pushed: its date stays
        changes = audit_changes(notice, values)
        for field, value in values.items():
            setattr(notice, field, value)
        notice.save()
        if changes:
            audit_change(actor=actor, action="notice_update", target=notice, changes=changes)
    notice.push_teams.set(teams)
    if notice.is_published() and notice.pushed_at is None:
        _push(notice)
    return notice


def _push(notice: Notice) -> None:
    if notice.push_teams.exists():
        push_to_groups(notice)
    notice.pushed_at = timezone.now()
    notice.save(update_fields=["pushed_at", "updated_at"])


@transaction.atomic
def notice_withdraw(*, actor, notice: Notice, reason: str) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require_publisher(actor, notice.place)
    if notice.withdrawn_at is not None:
        raise ValidationFailed(_("This notice is already withdrawn."), code="withdrawn")
    notice.withdrawn_reason = clean_text(
        reason, field="reason", max_length=200, required=_("Say why it is withdrawn.")
    )
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    audit_change(
        actor=actor,
        action="notice_withdraw",
        target=notice,
        changes={"reason": notice.withdrawn_reason},
    )
    return notice


def notice_count_read(*, notice: Notice, user) -> None:
    """Count a reading: a logged-in reader once, a visitor per view."""
    if getattr(user, "is_authenticated", False):
        try:
            with transaction.atomic():
                NoticeRead.objects.get_or_create(notice=notice, user=user)
        except IntegrityError:  # the same reader in two tabs at once
            pass
    else:
        Notice.objects.filter(pk=notice.pk).update(public_views=F("public_views") + 1)


def notices_publish_due(now=None) -> int:
    """The worker's sweep: push the scheduled notices whose time has come. Returns how many."""
    now = now or timezone.now()
    due = Notice.objects.published(now).filter(pushed_at__isnull=True).values_list("pk", flat=True)
    pushed = 0
    for pk in list(due):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=pk)
            if notice.pushed_at is None and notice.is_published(now):
                _push(notice)
                pushed += 1
    return pushed
