"""Who keeps and reads the supervision register, and its writes: entering a person, recording a
visit, taking them off it, and the daily reminder of overdue visits. Every reading of an entry
is audited (supervision.selectors)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text, parse_date, parse_id, parse_int
from meihao.core.roles import Role
from meihao.core.scoping import has_role, organisation_ids, scope_q
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import Person, RoleAssignment
from meihao.people.validation import normalise_phone
from meihao.supervision.models import NOTE_MAX, Authority, Supervisee, SupervisionVisit

POLICE = frozenset({Role.POLICE_OFFICER})

register_kind(
    "supervision_visit_overdue", label=gettext_lazy("A supervision visit of mine is overdue")
)


def authority_ids(user) -> set[int]:
    """The authorities the user is staff of: they keep the register."""
    return set(
        Authority.objects.filter(
            organisation_id__in=organisation_ids(user, {Role.DEPARTMENT_STAFF})
        ).values_list("pk", flat=True)
    )


def may_keep(user) -> bool:
    return bool(authority_ids(user))


def may_read(user) -> bool:
    """The keepers, and the community police (who assist: they read their area's entries)."""
    return may_keep(user) or has_role(user, POLICE)


def readable_q(user) -> Q:
    return Q(authority_id__in=authority_ids(user)) | scope_q(
        user, path_field="place_path", roles=POLICE
    )


def _officers(authority: Authority):
    """Who may be made responsible: the authority's staff and the police of its place."""
    return RoleAssignment.objects.filter(
        Q(role=Role.DEPARTMENT_STAFF, organisation=authority.organisation)
        | Q(role=Role.POLICE_OFFICER, place__path__startswith=authority.organisation.place_path)
    ).values_list("user_id", flat=True)


def supervisee_enter(
    *, actor, authority_id, phone, kind, starts_on, ends_on, visit_every_days, officer_id
) -> Supervisee:
    """Enter a resident of the authority's area on the register (found by their mobile)."""
    authority = (
        Authority.objects.filter(pk__in=authority_ids(actor), pk=parse_id(authority_id))
        .select_related("organisation")
        .first()
    )
    if authority is None:
        raise NotFound()
    person = Person.objects.filter(
        phone=normalise_phone(str(phone or ""))[:20],
        home_place_path__startswith=authority.organisation.place_path,
    ).first()
    if person is None or not person.phone:
        raise ValidationFailed(_("No resident of your area has that mobile number."), field="phone")
    if kind not in Supervisee.Kind.values:
        raise ValidationFailed(_("Choose the kind of supervision."), field="kind")
    start, end = parse_date(starts_on), parse_date(ends_on)
    if start is None or end is None or end < start:
        raise ValidationFailed(_("Give the supervision's first and last day."), field="ends_on")
    every = parse_int(visit_every_days, minimum=1, maximum=90)
    if every is None:
        raise ValidationFailed(_("Visits are due every 1 to 90 days."), field="visit_every_days")
    officer = parse_id(officer_id)
    if officer is None or officer not in set(_officers(authority)):
        raise ValidationFailed(_("Choose the responsible officer."), field="officer")
    if Supervisee.objects.filter(person=person, ended_at__isnull=True).exists():
        raise ValidationFailed(_("This person is already on the register."), field="phone")
    with transaction.atomic():
        entry = Supervisee.objects.create(
            person=person,
            authority=authority,
            kind=kind,
            place_path=person.home_place_path,
            starts_on=start,
            ends_on=end,
            visit_every_days=every,
            officer_id=officer,
        )
        audit_change(actor=actor, action="supervision.enter", target=entry)
    return entry


def visit_record(*, actor, entry: Supervisee, visited_on, note) -> SupervisionVisit:
    """A visit (走访) by a keeper or the responsible officer."""
    if entry.authority_id not in authority_ids(actor) and entry.officer_id != actor.pk:
        raise NotFound()
    if entry.ended_at is not None:
        raise ValidationFailed(_("This person is no longer on the register."))
    day = parse_date(visited_on)
    today = timezone.localdate()
    if day is None or day > today or day < entry.starts_on - datetime.timedelta(days=1):
        raise ValidationFailed(
            _("Give the day of the visit (not in the future)."), field="visited_on"
        )
    note = clean_text(note, field="note", required=_("Write what you found."), max_length=NOTE_MAX)
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            supervisee=entry, visited_on=day, by=actor, note=note
        )
        Supervisee.objects.filter(pk=entry.pk).filter(
            Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=day)
        ).update(last_visit_on=day)
        audit_change(actor=actor, action="supervision.visit", target=entry)
    return visit


def supervisee_end(*, actor, entry: Supervisee) -> None:
    if entry.authority_id not in authority_ids(actor):
        raise NotFound()
    with transaction.atomic():
        Supervisee.objects.filter(pk=entry.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        audit_change(actor=actor, action="supervision.end", target=entry)


def next_visit_due(entry: Supervisee) -> datetime.date:
    start = entry.last_visit_on or entry.starts_on
    return start + datetime.timedelta(days=entry.visit_every_days)


def remind_overdue_visits(*, today: datetime.date | None = None) -> int:
    """Tell each responsible officer of every entry whose visit is overdue, once per missed
    due date (the message key). The message names no one: it links to the register."""
    today = today or timezone.localdate()
    active = Supervisee.objects.filter(
        ended_at__isnull=True, starts_on__lte=today, ends_on__gte=today
    ).select_related("officer")
    overdue = [entry for entry in active if next_visit_due(entry) < today]
    with transaction.atomic():
        for entry in overdue:
            notify_enqueue(
                recipients=[entry.officer],
                kind="supervision_visit_overdue",
                subject=gettext_lazy("A supervision visit is overdue"),
                body=gettext_lazy(
                    "A visit due on {{ due }} has not been recorded. Open the register to see "
                    "who and record it."
                ),
                link=reverse("supervision:entry", args=[entry.pk]),
                target=entry,
                idempotency_key=f"supervision:{entry.pk}:overdue:{next_visit_due(entry):%Y%m%d}",
                context={"due": next_visit_due(entry).isoformat()},
            )
    return len(overdue)
