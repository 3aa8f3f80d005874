"""Writes of 心灵驿站: a resident asks for an appointment with their community's counsellor; the
counsellor takes it, sets the time and room, and after the session keeps private notes (theirs
alone) and, if the resident is in crisis, refers them: the community's staff are alerted to
reach out, and are told who and whom to call, never what was said. The resident confirms the
session or asks for another (the engine's verify-close and reopen)."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.access import authorise
from meihao.cases.classes import active_type, minor_class
from meihao.cases.models import Case
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text, parse_datetime, parse_minutes
from meihao.core.roles import Role
from meihao.core.scoping import users_covering
from meihao.counselling.holders import COUNSELLORS
from meihao.counselling.models import (
    COUNSEL_CODE,
    NOTE_MAX,
    REQUEST_MAX,
    SESSION_MINUTES_MAX,
    Counselling,
    CounsellingNote,
)
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.selectors import own_person
from meihao.places.models import community_id_of, community_path

register_kind("counselling_asked", label=gettext_lazy("A resident asks for counselling"))
register_kind("counselling_scheduled", label=gettext_lazy("My counselling appointment is set"))
register_kind(
    "counselling_crisis", label=gettext_lazy("A resident of my community may be in crisis")
)
# How far ahead an appointment may be set.
BOOKING_DAYS = 60


def community_counsellors(path: str) -> list:
    return users_covering(community_path(path), COUNSELLORS)


def counselling_of(case: Case) -> Counselling:
    found = Counselling.objects.filter(case=case).select_related("community").first()
    if found is None:
        raise NotFound(_("No such counselling request."))
    return found


def counselling_ask(*, actor, topic, words="", idempotency_key: str | None = None) -> Counselling:
    """A resident asks the counsellors of their home community for an appointment; they are told
    by number and topic only."""
    person = own_person(actor)
    if person is None:
        raise ValidationFailed(
            _("Enter your real-name details first: the counsellor meets a named resident."),
            code="no_person",
        )
    community_id = community_id_of(person.home_place)
    counsellors = community_counsellors(person.home_place_path) if community_id else []
    if not counsellors:
        raise ValidationFailed(
            _("Your community has no counsellor yet; the community office can help you."),
            code="no_counsellor",
        )
    case_type = active_type(COUNSEL_CODE)
    if case_type is None:
        raise ValidationFailed(_("Appointments are not taken at the moment."))
    category = minor_class(case_type, code=str(topic or ""))
    if category is None or not category.is_active:
        raise ValidationFailed(_("Choose what you would like to talk about."), field="topic")
    words = clean_text(words, field="words", max_length=REQUEST_MAX)
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=words or category.name_zh,
            place=person.home_place,
            channel=Case.Channel.RESIDENT,
            reporter=person,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        found = Counselling.objects.filter(case=case).first()
        if found is not None:
            return found
        found = Counselling.objects.create(
            case=case,
            community_id=community_id,
            place_path=community_path(person.home_place_path),
            created_at=case.created_at,
        )
        notify_enqueue(
            recipients=counsellors,
            kind="counselling_asked",
            subject=gettext_lazy("A resident asks for counselling: {{ topic }}"),
            body=gettext_lazy("Request {{ number }} ({{ topic }}) waits for a counsellor."),
            link=reverse("counselling:detail", args=[case.number]),
            target=case,
            idempotency_key=f"counselling:{case.pk}:asked",
            context={"number": case.number, "topic": category.name_zh},
        )
    return found


def counselling_schedule(*, actor, case: Case, at, room) -> Counselling:
    """The counsellor sets (or moves) the appointment, taking the request if nobody has; the
    resident is told when and where."""
    taking = case.assigned_user_id is None
    authorise(case, actor, "claim" if taking else "report_back")
    found = counselling_of(case)
    when = parse_datetime(at)
    now = timezone.now()
    if when is None:
        raise ValidationFailed(_("Say when the appointment is."), field="at")
    if not now - datetime.timedelta(hours=1) <= when <= now + datetime.timedelta(days=BOOKING_DAYS):
        raise ValidationFailed(
            _("An appointment is set within the next %(days)s days.") % {"days": BOOKING_DAYS},
            field="at",
        )
    room = clean_text(room, field="room", required=_("Say where you will meet."), max_length=100)
    with transaction.atomic():
        if taking:
            case = case_services.case_claim(case=case, actor=actor)
        Counselling.objects.filter(pk=found.pk).update(appointment_at=when, room=room)
        found.appointment_at, found.room = when, room
        resident = getattr(case.reporter, "user", None)
        if resident is not None:
            notify_enqueue(
                recipients=[resident],
                kind="counselling_scheduled",
                subject=gettext_lazy("Your counselling appointment: {{ when }}"),
                body=gettext_lazy(
                    "Your appointment {{ number }} is on {{ when }} at {{ room }}. If you cannot "
                    "come, tell the counsellor on its page."
                ),
                link=reverse("counselling:detail", args=[case.number]),
                target=case,
                idempotency_key=f"counselling:{case.pk}:scheduled:{when:%Y%m%d%H%M}",
                context={
                    "number": case.number,
                    "when": date_format(timezone.localtime(when), "Y-m-d H:i"),
                    "room": room,
                },
            )
    return found


def counselling_record(*, actor, case: Case, minutes, notes, crisis: bool = False) -> Case:
    """After a session: the counsellor's private notes and the minutes it took; the resident is
    asked to confirm the session. With `crisis`, the community's staff are alerted."""
    authorise(case, actor, "report_back")
    found = counselling_of(case)
    if found.appointment_at is None:
        raise ValidationFailed(_("Set the appointment first."), code="no_appointment")
    minutes = parse_minutes(minutes, most=SESSION_MINUTES_MAX)
    notes = clean_text(
        notes, field="notes", required=_("Write your notes of the session."), max_length=NOTE_MAX
    )
    with transaction.atomic():
        CounsellingNote.objects.create(counselling=found, author=actor, minutes=minutes, text=notes)
        # The case's own note is what the resident reads: that the session took place.
        case = case_services.case_report_back(
            case=case, actor=actor, note=_("The session took place.")
        )
        if crisis and not found.crisis:
            _refer_in_crisis(found, case, actor)
    return case


def _refer_in_crisis(found: Counselling, case: Case, actor) -> None:
    Counselling.objects.filter(pk=found.pk).update(crisis=True, crisis_flagged_at=timezone.now())
    audit_change(actor=actor, action="counselling.crisis", target=case, changes={})
    reporter = case.reporter
    staff = users_covering(found.place_path, {Role.COMMUNITY_STAFF})
    notify_enqueue(
        recipients=staff,
        kind="counselling_crisis",
        subject=gettext_lazy("A resident of {{ community }} may be in crisis"),
        body=gettext_lazy(
            "Counsellor {{ counsellor }} ({{ counsellor_phone }}) asks the community to reach "
            "out to {{ name }} ({{ phone }}) today. Call the counsellor first; what was said in "
            "counselling stays with the counsellor."
        ),
        link="",
        target=case,
        idempotency_key=f"counselling:{case.pk}:crisis",
        context={
            "community": found.community.name,
            "counsellor": actor.name,
            "counsellor_phone": actor.phone,
            "name": reporter.real_name if reporter else "",
            "phone": reporter.phone if reporter else "",
        },
    )
