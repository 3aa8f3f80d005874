"""Every write about attendance: check-in (rotating QR code, typed code, geofence, or by the
organiser), check-out, and finishing an activity, which turns attendance into service records.

Check-in is open from 30 minutes before the start to the end. Checking in twice is harmless:
the second call returns the attendance of the first. Someone who comes without having signed
up is signed up on the spot while places last (a walk-in), then checked in.

Credited time is the overlap of [checked in, checked out] with the planned [start, end]: time
spent travelling or waiting before the start is not service (national volunteer-record rules).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.activities import qr
from meihao.activities.extensions import finish_effects
from meihao.activities.models import Activity, Attendance, SignUp
from meihao.activities.records import record_from_attendance
from meihao.activities.services import (
    check_organiser,
    lock,
    person_of,
    signup_create,
)
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.places.geo import haversine_m as distance_m
from meihao.places.geo import validate_point

CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
# Kinds whose every participant serves; at other kinds (a lecture's audience, a branch meeting)
# only those who signed up in one of the roles needed (helpers, speakers) earn service hours.
SERVICE_KINDS = frozenset(
    {Activity.Kind.VOLUNTEER_SERVICE, Activity.Kind.PATROL_SHIFT, Activity.Kind.JOINT_PATROL}
)


def credited_minutes(
    activity: Activity, checked_in_at: datetime.datetime, checked_out_at: datetime.datetime
) -> int:
    """Whole minutes of [checked_in_at, checked_out_at] inside the planned time."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds()) // 60)


def earns_service_hours(signup: SignUp) -> bool:
    return signup.activity.kind in SERVICE_KINDS or bool(signup.role)


def credit_due(activity: Activity, minutes: int) -> bool:
    """Hours are credited only at or above the activity's share of its planned time."""
    return minutes > 0 and Decimal(minutes) >= activity.min_attendance_share * Decimal(
        activity.planned_minutes
    )


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    created: bool


def _check_window(activity: Activity, now) -> None:
    if activity.status != Activity.Status.PUBLISHED:
        raise IllegalTransition(_("This activity is not open for check-in."))
    if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
        raise IllegalTransition(_("Check-in opens 30 minutes before the start."))
    if now >= activity.ends_at:
        raise IllegalTransition(_("This activity is over; check-in is closed."))


def _attend(signup: SignUp, activity: Activity, *, actor, method, now, **where) -> CheckIn:
    existing = Attendance.objects.filter(signup=signup).first()
    if existing is not None:
        return CheckIn(existing, created=False)
    late_after = activity.starts_at + datetime.timedelta(minutes=activity.late_after_minutes)
    attendance = Attendance.objects.create(
        signup=signup, checked_in_at=now, check_in_method=method, late=now > late_after, **where
    )
    audit_change(
        actor=actor,
        action="activity.checkin",
        target=attendance,
        changes={"method": [None, method], "late": [None, str(attendance.late)]},
    )
    return CheckIn(attendance, created=True)


def _participant_check_in(*, actor, activity: Activity, method: str, now, **where) -> CheckIn:
    person = person_of(actor)
    with transaction.atomic():
        current = lock(activity)
        _check_window(current, now)
        signup = (
            SignUp.objects.filter(activity=current, person=person)
            .exclude(status=SignUp.Status.CANCELLED)
            .first()
        )
        if signup is None:
            signup = signup_create(actor=actor, activity=current)
            if signup.status != SignUp.Status.CONFIRMED:
                raise IllegalTransition(_("This activity is full; you cannot check in."))
        if signup.status == SignUp.Status.WAITLISTED:
            raise IllegalTransition(
                _("You are on the waiting list; ask the organiser whether a place is free.")
            )
        return _attend(signup, current, actor=actor, method=method, now=now, **where)


def _visible_activity(actor, activity_id: int) -> Activity:
    activity = Activity.objects.visible_to(actor).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def checkin_by_qr(*, actor, token: str, activity: Activity | None = None) -> CheckIn:
    """Check in with the token of the QR code on the organiser's screen; when the participant
    is on one activity's page, a token of another activity is refused."""
    now = timezone.now()
    if activity is not None:
        qr.check_token(token, activity.pk, now=now)
        activity_id = activity.pk
    else:
        activity_id = qr.activity_of_token(token, now=now)
    return _participant_check_in(
        actor=actor,
        activity=_visible_activity(actor, activity_id),
        method=Attendance.CheckInMethod.QR,
        now=now,
    )


def checkin_by_code(*, actor, activity: Activity, code: str) -> CheckIn:
    """Check in with the short code shown next to the QR code, typed by hand."""
    now = timezone.now()
    qr.check_code(code, activity.pk, now=now)
    return _participant_check_in(
        actor=actor, activity=activity, method=Attendance.CheckInMethod.QR, now=now
    )


def checkin_by_typed_code(*, actor, code: str) -> CheckIn:
    """Check in with the short code on the organiser's screen, typed where no activity is
    chosen (the scanner page when the camera is refused): the code says which of the
    activities open for check-in now it belongs to."""
    now = timezone.now()
    open_now = (
        Activity.objects.visible_to(actor)
        .filter(
            status=Activity.Status.PUBLISHED,
            starts_at__lte=now + CHECKIN_OPENS_BEFORE,
            ends_at__gt=now,
        )
        .order_by("starts_at", "id")
        .values_list("pk", flat=True)
    )
    activity_id = qr.activity_of_code(code, open_now, now=now)
    return _participant_check_in(
        actor=actor,
        activity=_visible_activity(actor, activity_id),
        method=Attendance.CheckInMethod.QR,
        now=now,
    )


def checkin_online(*, actor, activity: Activity) -> CheckIn:
    """Join an activity's online link through the platform: that is the attendance of someone
    taking part from afar (the page then opens the link)."""
    if not activity.online_url:
        raise IllegalTransition(_("This activity has no online link."))
    return _participant_check_in(
        actor=actor,
        activity=_visible_activity(actor, activity.pk),
        method=Attendance.CheckInMethod.ONLINE,
        now=timezone.now(),
    )


def checkin_by_geofence(*, actor, activity: Activity, lat, lon) -> CheckIn:
    """Check in from the phone's location: within the activity's radius of the venue."""
    now = timezone.now()
    if lat in (None, "") or lon in (None, ""):
        raise ValidationFailed(
            _("Your location is needed: allow this site to use it, or scan the QR code."),
            code="location_required",
        )
    lat, lon = validate_point(lat, lon)
    if activity.lat is None:
        raise ValidationFailed(
            _("This activity has no venue location; check in with the QR code."),
            code="no_venue_location",
        )
    distance = distance_m(lat, lon, activity.lat, activity.lon)
    if distance > activity.checkin_radius_m:
        raise ValidationFailed(
            _(
                "You are %(distance)s m from the venue; check-in works within %(radius)s m. "
                "Come closer or scan the QR code."
            )
            % {"distance": math.ceil(distance), "radius": activity.checkin_radius_m},
            code="outside_geofence",
        )
    return _participant_check_in(
        actor=actor,
        activity=activity,
        method=Attendance.CheckInMethod.GEOFENCE,
        now=now,
        check_in_lat=lat,
        check_in_lon=lon,
        check_in_distance_m=round(distance),
    )


def checkin_by_staff(*, actor, signup: SignUp) -> CheckIn:
    """The organiser checks in someone who is there (an elder without a smartphone)."""
    now = timezone.now()
    with transaction.atomic():
        current = lock(signup.activity)
        check_organiser(actor, current)
        signup = SignUp.objects.get(pk=signup.pk)
        _check_window(current, now)
        if signup.status != SignUp.Status.CONFIRMED:
            raise IllegalTransition(_("Only a confirmed sign-up can be checked in."))
        return _attend(signup, current, actor=actor, method=Attendance.CheckInMethod.STAFF, now=now)


def _close(attendance: Attendance, activity: Activity, *, at, method) -> None:
    attendance.checked_out_at = max(at, attendance.checked_in_at)
    attendance.check_out_method = method
    attendance.credited_minutes = credited_minutes(
        activity, attendance.checked_in_at, attendance.checked_out_at
    )
    attendance.save(update_fields=["checked_out_at", "check_out_method", "credited_minutes"])


def checkout(*, actor, attendance: Attendance) -> Attendance:
    """The participant (or the organiser for them) leaves. Checking out twice changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        signup = SignUp.objects.select_related("person").get(pk=attendance.signup_id)
        current = lock(signup.activity)
        own = signup.person.user_id is not None and signup.person.user_id == actor.pk
        if not own:
            check_organiser(actor, current)
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        if attendance.checked_out_at is not None:
            return attendance
        if current.status != Activity.Status.PUBLISHED:
            raise IllegalTransition(_("This activity is no longer open."))
        method = Attendance.CheckOutMethod.SELF if own else Attendance.CheckOutMethod.ORGANISER
        _close(attendance, current, at=now, method=method)
        audit_change(
            actor=actor,
            action="activity.checkout",
            target=attendance,
            changes={
                "method": [None, method],
                "credited_minutes": [None, str(attendance.credited_minutes)],
            },
        )
    return attendance


@dataclass(frozen=True)
class Finished:
    activity: Activity
    checked_out: int
    absent: int
    records: list


def activity_finish(*, actor, activity: Activity) -> Finished:
    """Close the activity: everyone still in is checked out at the end (or now, if finished
    early); confirmed sign-ups without a check-in are absent; attendance reaching the share of
    the planned time becomes a service record, and points through the ledger."""
    now = timezone.now()
    with transaction.atomic():
        current = lock(activity)
        check_organiser(actor, current)
        if current.status != Activity.Status.PUBLISHED:
            raise IllegalTransition(_("Only a published activity can be finished."))
        if now < current.starts_at:
            raise IllegalTransition(_("The activity has not started yet; cancel it instead."))
        attendances = list(
            Attendance.objects.filter(signup__activity=current)
            .select_related("signup__person", "signup__activity")
            .order_by("id")
        )
        still_in = [a for a in attendances if a.checked_out_at is None]
        for attendance in still_in:
            _close(
                attendance,
                current,
                at=min(now, current.ends_at),
                method=Attendance.CheckOutMethod.FINISH,
            )
        absent = SignUp.objects.filter(
            activity=current, status=SignUp.Status.CONFIRMED, attendance__isnull=True
        ).count()
        current.status = Activity.Status.FINISHED
        current.save(update_fields=["status", "updated_at"])
        records = [
            record_from_attendance(actor=actor, attendance=attendance, activity=current)
            for attendance in attendances
            if earns_service_hours(attendance.signup)
            and credit_due(current, attendance.credited_minutes)
        ]
        for effects in finish_effects(current.kind):
            effects(activity=current, attendances=attendances, actor=actor)
        audit_change(
            actor=actor,
            action="activity.finish",
            target=current,
            changes={
                "status": [Activity.Status.PUBLISHED, Activity.Status.FINISHED],
                "checked_out": [None, str(len(still_in))],
                "absent": [None, str(absent)],
                "service_records": [None, str(len(records))],
            },
        )
    return Finished(current, checked_out=len(still_in), absent=absent, records=records)


# An organiser who forgets to press "finish" must not cost the volunteers their hours.
AUTO_FINISH_AFTER = datetime.timedelta(hours=6)


def activities_finish_overdue(*, now: datetime.datetime | None = None) -> list[Finished]:
    """Finish, on behalf of the organiser who created them, the published activities that
    ended more than AUTO_FINISH_AFTER ago. An activity whose creator may no longer organise it
    is left for another organiser to finish."""
    now = now or timezone.now()
    overdue = Activity.objects.filter(
        status=Activity.Status.PUBLISHED, ends_at__lte=now - AUTO_FINISH_AFTER
    ).select_related("created_by")
    finished = []
    for activity in overdue.order_by("ends_at", "pk"):
        try:
            finished.append(activity_finish(actor=activity.created_by, activity=activity))
        except NotFound:
            continue
    return finished
