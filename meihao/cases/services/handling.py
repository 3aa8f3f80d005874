"""The handler's actions: start, report back (with photos), return, ask for more time; and a
case served as it was filed (当场办结)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases import sla
from meihao.cases.access import (
    authorise,
)
from meihao.cases.models import (
    Case,
    PhotoStage,
)
from meihao.cases.photos import case_photos_attach
from meihao.cases.services.step import apply_transition, dispatch_changes
from meihao.cases.states import Status
from meihao.core.errors import (
    IllegalTransition,
    PermissionDenied,
    ValidationFailed,
)
from meihao.core.images import encode_photos
from meihao.core.inputs import clean_text
from meihao.places.geo import haversine_m, validate_point


def _on_site(case: Case, lat, lon) -> dict:
    """The event data of a step taken on site: the phone's position and its distance from the
    case's point. Required, and within the radius, for case types with `onsite_radius_m`."""
    radius = case.case_type.onsite_radius_m
    if lat is None and lon is None:
        if radius is None:
            return {}
        raise ValidationFailed(
            _("Share your location: this work is checked in and out on site."),
            code="location_required",
            field="location",
        )
    lat, lon = validate_point(lat, lon)
    data = {"lat": lat, "lon": lon}
    if case.lat is not None and case.lon is not None:
        distance = round(haversine_m(lat, lon, case.lat, case.lon))
        data["distance_m"] = distance
        if radius is not None and distance > radius:
            raise ValidationFailed(
                _("You are %(distance)s m from the place; come within %(radius)s m.")
                % {"distance": distance, "radius": radius},
                code="too_far",
                field="location",
            )
    return data


@transaction.atomic
def case_start(*, case: Case, actor, note: str = "", lat=None, lon=None) -> Case:
    """处置: the department takes the case on. For on-site case types this is the check-in:
    the handler's position is required and recorded (see `CaseType.onsite_radius_m`)."""
    authorise(case, actor, "start")
    note = clean_text(note, field="note")
    return apply_transition(case, actor, "start", note=note, data=_on_site(case, lat, lon))


@transaction.atomic
def case_report_back(*, case: Case, actor, note: str, lat=None, lon=None) -> Case:
    """反馈: the handler reports what was done; the handling clock stops. For on-site case
    types this is the check-out, with the handler's position as for `case_start`."""
    authorise(case, actor, "report_back")
    note = clean_text(note, field="note", required=_("Say what was done."))
    data = _on_site(case, lat, lon)
    now = timezone.now()
    changes = {
        "reported_back_at": now,
        "handling_sla": sla.colour(now, case.resolve_warn_at, case.resolve_by),
    }
    return apply_transition(
        case, actor, "report_back", changes=changes, note=note, data=data, now=now
    )


@transaction.atomic
def case_report_back_with_photos(
    *, case: Case, actor, note: str, files, lat=None, lon=None
) -> Case:
    """反馈 with photos of the fix: the photos are checked before anything changes, then the
    report-back and its photos (linked to its timeline event) commit together."""

    authorise(case, actor, "report_back")
    encoded = encode_photos(files)
    case = case_report_back(case=case, actor=actor, note=note, lat=lat, lon=lon)
    event = case.events.filter(action="report_back").order_by("-created_at", "-id").first()
    case_photos_attach(
        case=case,
        actor=actor,
        files=None,
        stage=PhotoStage.REPORT_BACK,
        event=event,
        encoded=encoded,
    )
    return case


@transaction.atomic
def case_return(*, case: Case, actor, reason: str) -> Case:
    """回退: the handler returns a misrouted case to the dispatcher."""
    authorise(case, actor, "return")
    reason = clean_text(reason, field="reason", required=_("Say why the case is returned."))
    changes = {"assigned_organisation": None, "assigned_team": None, "assigned_user": None}
    return apply_transition(case, actor, "return", changes=changes, note=reason)


@transaction.atomic
def case_request_extension(*, case: Case, actor, until: datetime, reason: str) -> Case:
    """延期申请: ask the supervisor to move the handling deadline to `until`."""
    authorise(case, actor, "request_extension")
    reason = clean_text(reason, field="reason", required=_("Say why more time is needed."))
    if not isinstance(until, datetime) or timezone.is_naive(until):
        raise ValidationFailed(_("Give the new deadline as a date and time."), field="until")
    assert case.resolve_by is not None  # authorised: the handling clock runs
    if until <= max(timezone.now(), case.resolve_by):
        raise ValidationFailed(
            _("The new deadline must be later than the current one."), field="until"
        )
    changes = {"extension_until": until, "extension_reason": reason}
    return apply_transition(
        case,
        actor,
        "request_extension",
        changes=changes,
        note=reason,
        data={"until": until.isoformat()},
    )


@transaction.atomic
def case_serve_on_the_spot(*, case: Case, actor, organisation=None, note: str) -> Case:
    """当场办结: a case its filer served as it was filed — a visit to a service counter, a
    question answered there and then. It goes to the serving body (`organisation`, else the
    filer in person), is reported back with `note` and closed in the same moment, each step on
    the timeline; the steps tell nobody, there being nothing left to do. Only the filer may,
    and only while nobody else has touched the case."""
    if getattr(actor, "pk", None) is None or case.submitted_by_id != actor.pk:
        raise PermissionDenied(_("Only whoever filed the case may serve it on the spot."))
    if case.status != Status.SUBMITTED:
        raise IllegalTransition(_("The case has already moved on."))
    note = clean_text(note, field="note", required=_("Say what was done."))
    now = timezone.now()
    user = None if organisation is not None else actor
    changes = dispatch_changes(case, organisation, None, user, now)
    data = {"organisation": getattr(organisation, "pk", None), "user": getattr(user, "pk", None)}
    quiet = {"now": now, "notify": False}
    apply_transition(case, actor, "dispatch", changes=changes, data=data, **quiet)
    apply_transition(
        case,
        actor,
        "report_back",
        changes={"reported_back_at": now, "handling_sla": sla.colour(now, None, case.resolve_by)},
        note=note,
        **quiet,
    )
    return apply_transition(case, actor, "verify_close", changes={"closed_at": now}, **quiet)
