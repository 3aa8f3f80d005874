"""Volunteer service records (志愿服务记录): from attendance, entered by staff with evidence, and
reversed. Each record credits its points through the ledger in the same transaction, and a
reversal takes them back, so hours and points never disagree.

The fields follow the national volunteer-record rules (志愿服务记录与证明出具办法): volunteer,
activity, date, place, content, hours, recording organisation and person in charge. Records are
never edited: a wrong one is corrected by a reversing record with the opposite minutes.
"""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.activities.models import Activity, Attendance, ServiceRecord
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.images import encode_photo
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.ledger.models import Transfer
from meihao.ledger.services import ledger_earn_for_service, ledger_reverse

MAX_MINUTES_PER_RECORD = 24 * 60
# Staff may record service done up to a year ago (a paper sign-in sheet found late).
MAX_BACKDATE = datetime.timedelta(days=366)


def display_name(user) -> str:
    person = getattr(user, "person", None)
    return (person.real_name if person else "") or user.name or user.phone


def recording_organisation_of(activity: Activity) -> str:
    """Who records the service: the organising unit, else the team's, else the place."""
    if activity.organiser_id:
        return activity.organiser.name
    if activity.organiser_team_id:
        team = activity.organiser_team
        return team.organisation.name if team.organisation_id else team.name
    return activity.place.name


def points_key(record: ServiceRecord) -> str:
    return f"service-record:{record.pk}"


def _earn_points(*, actor, record: ServiceRecord, activity_kind: str) -> None:
    ledger_earn_for_service(
        actor=actor,
        person=record.person,
        minutes=record.minutes,
        activity_kind=activity_kind,
        place=record.place,
        cause=record,
        idempotency_key=points_key(record),
    )


def record_from_attendance(*, actor, attendance: Attendance, activity: Activity) -> ServiceRecord:
    """The record of one attendance, with its points; called by activity_finish inside its
    transaction. An attendance earns one record."""
    content = activity.title
    if attendance.signup.role:
        content = f"{activity.title}（{attendance.signup.role}）"
    record = ServiceRecord.objects.create(
        person=attendance.signup.person,
        activity=activity,
        service_date=timezone.localdate(activity.starts_at),
        place=activity.place,
        place_path=activity.place_path,
        content=content[:200],
        minutes=attendance.credited_minutes,
        source=ServiceRecord.Source.ATTENDANCE,
        attendance=attendance,
        recording_organisation=recording_organisation_of(activity)[:100],
        person_in_charge=display_name(actor)[:50],
        created_by=actor,
    )
    _earn_points(actor=actor, record=record, activity_kind=activity.kind)
    audit_change(
        actor=actor,
        action="activity.service_record",
        target=record,
        changes={"minutes": [None, str(record.minutes)], "source": [None, record.source]},
    )
    return record


def _check_entry(*, service_date, minutes, today) -> None:
    if not isinstance(service_date, datetime.date) or isinstance(service_date, datetime.datetime):
        raise ValidationFailed(_("Enter the date of the service."), field="service_date")
    if service_date > today:
        raise ValidationFailed(_("The service date cannot be in the future."), field="service_date")
    if service_date < today - MAX_BACKDATE:
        raise ValidationFailed(
            _("Service more than a year ago cannot be recorded."), field="service_date"
        )
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= MAX_MINUTES_PER_RECORD
    ):
        raise ValidationFailed(
            _("Enter the minutes of service, from 1 to %(max)s.") % {"max": MAX_MINUTES_PER_RECORD},
            field="minutes",
        )


def _checked_entry(
    *,
    actor,
    person,
    service_date,
    place,
    content,
    minutes,
    recording_organisation,
    person_in_charge,
    activity,
) -> dict:
    """The fields of a record entered by staff, each checked; raises ValidationFailed."""
    _check_entry(service_date=service_date, minutes=minutes, today=timezone.localdate())
    content = clean_text(
        content, field="content", max_length=200, required=_("Describe the service.")
    )
    recording_organisation = clean_text(
        recording_organisation,
        field="recording_organisation",
        max_length=100,
        required=_("Name the organisation recording the service."),
    )
    person_in_charge = clean_text(
        person_in_charge,
        field="person_in_charge",
        max_length=50,
        required=_("Name the person in charge."),
    )
    if place is None or not covers(actor, place.path, OFFICIALS):
        raise ValidationFailed(_("Choose a place inside your area."), field="place")
    if activity is not None and not covers(actor, activity.place_path, OFFICIALS):
        raise ValidationFailed(_("Choose an activity of your area."), field="activity")
    if person is None:
        raise ValidationFailed(_("Choose the volunteer."), field="person")
    return {
        "person": person,
        "activity": activity,
        "service_date": service_date,
        "place": place,
        "place_path": place.path,
        "content": content,
        "minutes": minutes,
        "recording_organisation": recording_organisation,
        "person_in_charge": person_in_charge,
    }


def _record_entry(*, actor, fields: dict, source: str, photo: bytes | None) -> ServiceRecord:
    """Write a checked staff entry, its points and its audit entry in one transaction."""
    with transaction.atomic():
        record = ServiceRecord(**fields, source=source, created_by=actor)
        if photo is not None:
            record.evidence.save(f"{uuid.uuid4().hex}.jpg", ContentFile(photo), save=False)
        record.save()
        activity = fields["activity"]
        kind = activity.kind if activity else Activity.Kind.VOLUNTEER_SERVICE
        _earn_points(actor=actor, record=record, activity_kind=kind)
        audit_change(
            actor=actor,
            action="activity.service_record_enter",
            target=record,
            changes={
                "minutes": [None, str(record.minutes)],
                "person": [None, str(record.person.pk)],
                "source": [None, source],
            },
        )
    return record


def service_record_enter_by_staff(
    *,
    actor,
    person,
    service_date: datetime.date,
    place,
    content: str,
    minutes: int,
    recording_organisation: str,
    person_in_charge: str,
    evidence=None,
    activity: Activity | None = None,
    source: str = ServiceRecord.Source.STAFF_ENTRY,
) -> ServiceRecord:
    """Record service that attendance did not capture, kept apart from the records computed
    from check-in by its source. Entered by hand (no phone, a paper sign-in sheet), the
    evidence (a photo of the sheet, say) is required. With `source=CONFIRMED_POST`, the record of
    a dual-registration service post that staff confirmed as served
    (volunteers.dual.post_claim_confirm, inside its transaction): the confirmed claim, which
    points at this record, is the evidence, and no photo is asked for."""
    fields = _checked_entry(
        actor=actor,
        person=person,
        service_date=service_date,
        place=place,
        content=content,
        minutes=minutes,
        recording_organisation=recording_organisation,
        person_in_charge=person_in_charge,
        activity=activity,
    )
    photo = None if source == ServiceRecord.Source.CONFIRMED_POST else _evidence_photo(evidence)
    return _record_entry(actor=actor, fields=fields, source=source, photo=photo)


def _evidence_photo(evidence) -> bytes:
    if not evidence:
        raise ValidationFailed(
            _("Attach a photo of the evidence (a sign-in sheet, say)."),
            code="evidence_required",
            field="evidence",
        )
    # The full copy keeps its EXIF: the photo's time and place are part of the evidence, and
    # only organisers in scope and the volunteer can open it.
    try:
        return encode_photo(evidence).full
    except ValidationFailed as error:
        raise ValidationFailed(error.message, code=error.code, field="evidence") from None


def service_record_reverse(*, actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    """Cancel a record by a record of the opposite minutes (the original stays), and take back
    its points. Fails, changing nothing, when the volunteer has already spent those points."""
    reason = clean_text(
        reason, field="reason", max_length=200, required=_("Say why the record is reversed.")
    )
    with transaction.atomic():
        original = (
            ServiceRecord.objects.select_for_update(of=("self",))
            .select_related("person", "place")
            .filter(pk=record.pk)
            .first()
        )
        if original is None or not covers(actor, original.place_path, OFFICIALS):
            raise NotFound(_("No such service record."))
        if original.reverses_id is not None:
            raise IllegalTransition(_("A reversing record cannot itself be reversed."))
        if ServiceRecord.objects.filter(reverses=original).exists():
            raise IllegalTransition(_("This record has already been reversed."))
        reversal = ServiceRecord.objects.create(
            person=original.person,
            activity_id=original.activity_id,
            service_date=original.service_date,
            place=original.place,
            place_path=original.place_path,
            content=original.content,
            minutes=-original.minutes,
            source=original.source,
            attendance_id=original.attendance_id,
            evidence=original.evidence.name,
            recording_organisation=original.recording_organisation,
            person_in_charge=display_name(actor)[:50],
            created_by=actor,
            reverses=original,
            reason=reason,
        )
        transfer = Transfer.objects.filter(idempotency_key=points_key(original)).first()
        if transfer is not None:
            ledger_reverse(actor=actor, transfer=transfer, reason=reason)
        audit_change(
            actor=actor,
            action="activity.service_record_reverse",
            target=reversal,
            changes={"reverses": [None, str(original.pk)], "reason": [None, reason]},
        )
    return reversal
