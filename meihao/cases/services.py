"""Every write to a case: submission and one function per workflow action.

Each action authorises (NotFound, PermissionDenied, IllegalTransition — cases.workflow), checks
its input (ValidationFailed), then changes the case with a conditional
`UPDATE ... WHERE id = ? AND version = ? AND status = ?`: of two people acting on the same case
at once, one wins and the other gets ConcurrentChange with nothing changed. A successful action
appends exactly one CaseEvent and one audit event, in the same transaction.

The `case` passed in is updated in place (status, version, changed fields) and returned.
"""

import functools
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases import sla
from meihao.cases.extensions import close_effects, is_app_filed
from meihao.cases.models import (
    Case,
    CaseCategory,
    CaseCounter,
    CaseEvent,
    CaseFollower,
    CasePhoto,
    CaseRating,
    CaseType,
    PhotoStage,
    Status,
)
from meihao.cases.notifications import case_notify_submitted, case_notify_transition
from meihao.cases.routing import suggest_assignee
from meihao.cases.workflow import TRANSITIONS, authorise
from meihao.core.audit import audit_change
from meihao.core.errors import (
    ConcurrentChange,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from meihao.core.idempotency import check_same_request, request_fingerprint
from meihao.core.scoping import has_role

PHONE_RE = re.compile(r"^[0-9+\- ]{5,20}$")
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_.:\-]{8,64}$")


def _text(value, *, field: str, required_message=None, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if required_message is not None and not value:
        raise ValidationFailed(required_message, code="required", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            _("At most %(limit)s characters.") % {"limit": max_length},
            code="max_length",
            field=field,
        )
    return value


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# ---------------------------------------------------------------------------------------------
# Numbering


def next_case_number(case_type: CaseType, now: datetime | None = None) -> str:
    """Type prefix + local date + 4-digit daily sequence, e.g. WG202405200007.

    The counter row per (type, day) is created or incremented by one statement,
    `INSERT ... ON CONFLICT (case_type_id, day) DO UPDATE SET last = last + 1 RETURNING last`
    (PostgreSQL, SQLite >= 3.35), inside the caller's transaction: the row lock (PostgreSQL) or
    the write lock (SQLite, IMMEDIATE transactions) makes concurrent submissions take turns, so
    no number is handed out twice.
    """
    day = timezone.localdate(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _counter_upsert(connection.vendor),
            [case_type.pk, CaseCounter._meta.get_field("day").get_db_prep_value(day, connection)],
        )
        (last,) = cursor.fetchone()
    return f"{case_type.number_prefix}{day:%Y%m%d}{last:04d}"


@functools.cache
def _counter_upsert(_vendor: str) -> str:
    meta = CaseCounter._meta
    table = connection.ops.quote_name(meta.db_table)
    # django-stubs types get_field as any field or relation, whose column may be None; these
    # are concrete fields.
    case_type, day, last = (
        connection.ops.quote_name(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in ("case_type", "day", "last")
    )
    # Only quoted table and column names are interpolated; the values are parameters.
    return (
        f"INSERT INTO {table} ({case_type}, {day}, {last}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({case_type}, {day}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {last}"
    )


# ---------------------------------------------------------------------------------------------
# Submission


def _may_submit(case_type: CaseType, actor) -> bool:
    if case_type.public_may_submit:
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.is_superuser or has_role(actor, case_type.submit_roles)


def _locate(lat, lon):
    from meihao.places import geo

    return geo.locate(lat, lon)


def _check_point(lat, lon) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    from meihao.places.geo import validate_point

    return validate_point(lat, lon)


def case_submit(
    *,
    actor,
    case_type: CaseType,
    category: CaseCategory | None = None,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    place=None,
    address: str = "",
    channel: str,
    priority: str = Case.Priority.NORMAL,
    reporter=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    data: dict | None = None,
    idempotency_key: str | None = None,
    reported_at: datetime | None = None,
    photos=(),
    filed_by_app: bool = False,
) -> Case:
    """File a case. The grid comes from `place`, else from the point (places.geo.locate).

    With an `idempotency_key` (generated by the client, e.g. the offline PWA), sending the same
    report again returns the case filed the first time instead of filing it twice. `actor` may
    be None for anonymous reports to a public case type (then give a name or phone).

    `reported_at` is when the reporter made the report on the phone (a report queued offline
    arrives later); it is clamped to [now - 7 days, now] and shown to people, while the SLA
    clocks start at receipt (`created_at`): nobody could act before the report arrived.
    `photos` are uploaded files (at most four), checked before anything is written.

    Types filed through their app (cases.extensions) are refused here unless their app's service
    calls with `filed_by_app=True`, having authorised the actor itself.
    """
    if not case_type.is_active:
        raise ValidationFailed(_("This kind of case is not accepted any more."), field="case_type")
    if is_app_filed(case_type.code):
        if not filed_by_app:
            raise PermissionDenied(_("This kind of case is filed from its own page."))
    elif not _may_submit(case_type, actor):
        raise PermissionDenied(_("You may not file this kind of case."))
    fingerprint = ""
    if idempotency_key is not None:
        if not IDEMPOTENCY_KEY_RE.match(idempotency_key):
            raise ValidationFailed(
                _("The idempotency key must be 8 to 64 letters, digits or - _ . :"),
                field="idempotency_key",
            )
        # The report as sent (not the delivery: its photos and phone time are the same report).
        fingerprint = request_fingerprint(
            case_type=case_type.code,
            category=category.code if category else None,
            description=description,
            lat=lat,
            lon=lon,
            place=place,
            address=address,
            channel=channel,
            priority=priority,
            reporter=reporter,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            data=data,
        )
        existing = _existing_for_key(idempotency_key, actor, fingerprint)
        if existing is not None:
            return existing
    description = _text(
        description,
        field="description",
        required_message=_("Describe the problem."),
        max_length=2000,
    )
    if category is None and case_type.categories.exists():
        raise ValidationFailed(_("Choose a class for the case."), field="category")
    if category is not None and (
        category.case_type_id != case_type.pk or not category.is_minor or not category.is_active
    ):
        raise ValidationFailed(_("Choose one of this case type's minor classes."), field="category")
    from meihao.cases.formschema import validate_data

    data = validate_data(case_type.form_schema, data)
    lat, lon = _check_point(lat, lon)
    if place is None and lat is not None:
        place = _locate(lat, lon)
    if place is None:
        raise ValidationFailed(
            _("This place is in no grid of the district. Move the pin or choose the grid."),
            code="outside_grids",
            field="location",
        )
    if channel not in Case.Channel.values:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    if priority not in Case.Priority.values:
        raise ValidationFailed(_("Unknown priority."), field="priority")
    address = _text(address, field="address", max_length=200)
    reporter_name = _text(reporter_name, field="reporter_name", max_length=50)
    reporter_phone = _text(reporter_phone, field="reporter_phone", max_length=20)
    if reporter_phone and not PHONE_RE.match(reporter_phone):
        raise ValidationFailed(_("Enter a valid phone number."), field="reporter_phone")
    if _user(actor) is None and reporter is None and not (reporter_name or reporter_phone):
        raise ValidationFailed(
            _("An anonymous report needs a name or a phone number for call-backs."),
            field="reporter_phone",
        )
    from meihao.core.images import encode_photos

    encoded = encode_photos(photos)

    now = timezone.now()
    reported_at = clamp_reported_at(reported_at, now)
    patrol_id = None
    if channel == Case.Channel.GRID_PATROL and _user(actor) is not None:
        from meihao.patrols.selectors import patrol_id_running_at

        patrol_id = patrol_id_running_at(_user(actor), reported_at)
    try:
        with transaction.atomic():
            case = _create_case(
                actor=actor,
                case_type=case_type,
                category=category,
                description=description,
                data=data,
                lat=lat,
                lon=lon,
                address=address,
                place=place,
                channel=channel,
                priority=priority,
                reporter=reporter,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
                reported_at=reported_at,
                patrol_id=patrol_id,
                now=now,
            )
            if encoded:
                from meihao.cases.photos import case_photos_attach

                assert case.timeline_written is not None  # _create_case records the filing

                case_photos_attach(
                    case=case,
                    actor=actor,
                    files=None,
                    stage=PhotoStage.REPORT,
                    event=case.timeline_written[0],
                    encoded=encoded,
                )
    except IntegrityError:
        # Two deliveries of the same offline report raced; the other one filed it.
        existing = (
            _existing_for_key(idempotency_key, actor, fingerprint) if idempotency_key else None
        )
        if not existing:
            raise
        return existing
    return case


REPORTED_AT_MAX_AGE = timedelta(days=7)


def clamp_reported_at(reported_at: datetime | None, now: datetime) -> datetime:
    """The phone's report time, trusted only within [now - 7 days, now]; naive means local."""
    if reported_at is None:
        return now
    if not isinstance(reported_at, datetime):
        raise ValidationFailed(_("The report time is not a valid time."), field="reported_at")
    if timezone.is_naive(reported_at):
        reported_at = timezone.make_aware(reported_at)
    return min(max(reported_at, now - REPORTED_AT_MAX_AGE), now)


def _existing_for_key(key: str, actor, fingerprint: str) -> Case | None:
    existing = Case.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.submitted_by_id != getattr(_user(actor), "pk", None):
        raise ValidationFailed(
            _("This idempotency key was already used for another report."),
            field="idempotency_key",
        )
    check_same_request(existing.idempotency_fingerprint, fingerprint)
    return existing


def _create_case(*, actor, case_type, now, **fields) -> Case:
    response = sla.thresholds(now, case_type.response_limit, case_type.response_unit)
    place = fields["place"]
    case = Case.objects.create(
        number=next_case_number(case_type, now),
        case_type=case_type,
        place_path=place.path,
        submitted_by=_user(actor),
        status=Status.SUBMITTED,
        response_started_at=now,
        respond_warn_at=response.warn_at,
        respond_by=response.due_at,
        respond_escalate_at=response.escalate_at,
        created_at=now,
        updated_at=now,
        **fields,
    )
    followers = {u for u in (_user(actor), getattr(case.reporter, "user", None)) if u is not None}
    CaseFollower.objects.bulk_create(
        [CaseFollower(case=case, user=u, created_at=now) for u in followers]
    )
    submitted = CaseEvent.objects.create(
        case=case,
        actor=_user(actor),
        created_at=now,
        action="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        data={"channel": case.channel},
    )
    case.timeline_written = [submitted]
    audit_change(
        actor=actor, action="case.submit", target=case, changes={"status": [None, "submitted"]}
    )
    case_notify_submitted(case, actor)
    if case_type.dispatch_mode == CaseType.DispatchMode.AUTO:
        suggestion = suggest_assignee(case)
        if suggestion is not None:
            organisation, team = suggestion.organisation, suggestion.team
            _dispatch_values = _dispatch_changes(case, organisation, team, None, now)
            _apply(
                case,
                None,
                "dispatch",
                changes=_dispatch_values,
                note=_("Routed automatically by class and place."),
                data={
                    "organisation": organisation.pk,
                    "team": team.pk if team else None,
                    "auto": True,
                },
                now=now,
            )
    return case


# ---------------------------------------------------------------------------------------------
# The reporter's own actions: "this is my problem too", and the rating after closure


def case_follow(*, case: Case, actor) -> Case:
    """我也遇到: follow an open case instead of filing a duplicate of it.

    Open to whoever may file this type of case, for published cases (cases.publication) or cases
    the actor can already see; the follower then sees the public representation. Following
    twice is a no-op; the first time adds a timeline entry so that the dispatcher sees how many
    people are affected.
    """
    from meihao.cases.publication import is_publicly_visible
    from meihao.cases.workflow import TERMINAL_STATES, can_view

    if _user(actor) is None:
        raise PermissionDenied(_("Log in to follow a case."))
    if not (is_publicly_visible(case) or can_view(case, actor)):
        raise NotFound(_("No such case."))
    if not _may_submit(case.case_type, actor):
        raise PermissionDenied(_("You may not file this kind of case."))
    if case.status in TERMINAL_STATES:
        raise ValidationFailed(
            _("This case is already finished; file a new report if the problem is back."),
            code="case_finished",
        )
    now = timezone.now()
    with transaction.atomic():
        _follower, created = CaseFollower.objects.get_or_create(
            case=case, user=actor, defaults={"created_at": now}
        )
        if created:
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                created_at=now,
                action="follow",
                from_status=case.status,
                to_status=case.status,
            )
            audit_change(actor=actor, action="case.follow", target=case, changes={})
    return case


def may_submit(case_type: CaseType, actor) -> bool:
    """Whether `actor` may file cases of `case_type` (its roles, or the public)."""
    return _may_submit(case_type, actor)


def is_reporter(case: Case, actor) -> bool:
    """Whether `actor` filed the case or is the person it was filed for."""
    from meihao.cases.workflow import is_requester

    return is_requester(case, _user(actor))


def case_rate(*, case: Case, actor, score, comment: str = "") -> CaseRating:
    """满意度评价: the reporter rates a closed case 1 (非常不满意) to 5 (非常满意), once."""
    from meihao.cases.workflow import can_view

    if _user(actor) is None or not can_view(case, actor):
        raise NotFound(_("No such case."))
    if not is_reporter(case, actor):
        raise PermissionDenied(_("Only the reporter may rate this case."))
    if case.status != Status.CLOSED:
        raise ValidationFailed(
            _("A case can be rated once it is closed."), code="not_closed", field="score"
        )
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in CaseRating.Score.values:
        raise ValidationFailed(_("Choose a rating from 1 to 5."), field="score")
    comment = _text(comment, field="comment", max_length=500)
    now = timezone.now()
    try:
        with transaction.atomic():
            rating = CaseRating.objects.create(
                case=case, rater=actor, score=score, comment=comment, created_at=now
            )
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                created_at=now,
                action="rate",
                from_status=case.status,
                to_status=case.status,
                note=comment,
                data={"score": score},
            )
            audit_change(
                actor=actor, action="case.rate", target=case, changes={"score": [None, score]}
            )
    except IntegrityError:
        raise ValidationFailed(
            _("You have already rated this case."), code="already_rated", field="score"
        ) from None
    return rating


# ---------------------------------------------------------------------------------------------
# Publication: staff choose which photos the public sees (审核后公开)


def case_photo_set_public(*, case: Case, photo: CasePhoto, actor, public: bool) -> CasePhoto:
    """Show one photo of a case to the public (its EXIF-free copy), or stop showing it.

    A dispatcher's decision, like accepting the case: the people who review what is published.
    It goes on the timeline and into the audit trail; setting what is already set is a no-op.
    """
    from meihao.cases.workflow import DISPATCHER, can_view, holds

    if _user(actor) is None or not can_view(case, actor) or photo.case_id != case.pk:
        raise NotFound(_("No such photo."))
    if not holds(case, actor, DISPATCHER):
        raise PermissionDenied(_("Only the case's dispatchers decide which photos are public."))
    if photo.is_public == public:
        return photo
    now = timezone.now()
    with transaction.atomic():
        changed = CasePhoto.objects.filter(pk=photo.pk, is_public=not public).update(
            is_public=public
        )
        if changed:
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                created_at=now,
                action="photo_published" if public else "photo_withdrawn",
                from_status=case.status,
                to_status=case.status,
                data={"photo": photo.pk},
            )
            audit_change(
                actor=actor,
                action="case.photo_public",
                target=photo,
                changes={"is_public": [not public, public]},
            )
    photo.is_public = public
    return photo


# ---------------------------------------------------------------------------------------------
# The common step


def _apply(case, actor, action, *, changes=None, note="", data=None, now=None) -> Case:
    """The conditional update, the timeline event and the audit entry of one action."""
    now = now or timezone.now()
    transition = TRANSITIONS[action]
    from_status = case.status
    to_status = transition.target or from_status
    values = {**(changes or {}), "status": to_status, "updated_at": now}
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=case.version, status=from_status).update(
            version=F("version") + 1, **values
        )
        if updated != 1:
            raise ConcurrentChange()
        diff = {
            field: [_json(getattr(case, field)), _json(value)]
            for field, value in values.items()
            if field != "updated_at" and getattr(case, field) != value
        }
        for field, value in values.items():
            setattr(case, field, value)
        case.version += 1
        event = CaseEvent.objects.create(
            case=case,
            actor=_user(actor),
            created_at=now,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=data or {},
        )
        if case.timeline_written is not None:
            case.timeline_written.append(event)
        audit_change(actor=actor, action=f"case.{action}", target=case, changes=diff)
        case_notify_transition(case, action, actor)
    return case


def _json(value):
    if value is None:
        return None
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _stop_response_clock(case, now) -> dict:
    if case.responded_at is not None:
        return {}
    return {
        "responded_at": now,
        "response_sla": sla.colour(now, case.respond_warn_at, case.respond_by),
    }


# ---------------------------------------------------------------------------------------------
# Dispatcher's actions


@transaction.atomic
def case_accept(*, case: Case, actor, note: str = "") -> Case:
    """立案: the dispatcher accepts the case as valid."""
    authorise(case, actor, "accept")
    return _apply(case, actor, "accept", note=_text(note, field="note"))


def _dispatch_changes(case, organisation, team, user, now) -> dict:
    changes = {
        "assigned_organisation": organisation,
        "assigned_team": team,
        "assigned_user": user,
        **_stop_response_clock(case, now),
    }
    if case.handling_started_at is None:
        category = case.category
        if category is not None and category.time_limit:
            limit, unit = category.time_limit, category.time_unit
        else:
            limit, unit = case.case_type.handling_limit, case.case_type.handling_unit
        handling = sla.thresholds(now, limit, unit)
        changes.update(
            handling_started_at=now,
            resolve_warn_at=handling.warn_at,
            resolve_by=handling.due_at,
            resolve_escalate_at=handling.escalate_at,
        )
    return changes


@transaction.atomic
def case_dispatch(
    *, case: Case, actor, organisation=None, team=None, user=None, note: str = ""
) -> Case:
    """派遣 (or reassign): hand the case to a department, one of its teams, or a person.

    Dispatching a submitted case accepts it in the same step. The handling clock starts at the
    first dispatch and is not restarted by a reassignment.
    """
    authorise(case, actor, "dispatch")
    if organisation is None and team is None and user is None:
        raise ValidationFailed(
            _("Choose a department, team or person to dispatch to."), field="organisation"
        )
    if team is not None:
        if organisation is None:
            organisation = team.organisation
        elif team.organisation_id not in (None, organisation.pk):
            raise ValidationFailed(
                _("The team does not belong to the chosen department."), field="team"
            )
    if organisation is not None and not case.place_path.startswith(organisation.place_path):
        raise ValidationFailed(
            _("%(organisation)s does not serve the place of this case.")
            % {"organisation": organisation.name},
            field="organisation",
        )
    note = _text(note, field="note")
    now = timezone.now()
    changes = _dispatch_changes(case, organisation, team, user, now)
    data = {
        "organisation": getattr(organisation, "pk", None),
        "team": getattr(team, "pk", None),
        "user": getattr(user, "pk", None),
    }
    return _apply(case, actor, "dispatch", changes=changes, note=note, data=data, now=now)


@transaction.atomic
def case_claim(*, case: Case, actor, note: str = "") -> Case:
    """认领: take a case of a claim-mode type from the pool and become its handler.

    Two people claiming at once: the version check lets exactly one win.
    """
    authorise(case, actor, "claim")
    note = _text(note, field="note")
    now = timezone.now()
    changes = _dispatch_changes(case, None, None, _user(actor), now)
    return _apply(
        case, actor, "claim", changes=changes, note=note, data={"user": actor.pk}, now=now
    )


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str) -> Case:
    """不予受理: refuse the case, with a reason the reporter will see."""
    authorise(case, actor, "reject")
    reason = _text(reason, field="reason", required_message=_("Give a reason for rejecting it."))
    now = timezone.now()
    return _apply(
        case, actor, "reject", changes=_stop_response_clock(case, now), note=reason, now=now
    )


@transaction.atomic
def case_merge_duplicate(*, case: Case, actor, original: Case, note: str = "") -> Case:
    """Merge `case` into `original` as a duplicate; its followers follow the original."""
    authorise(case, actor, "merge")
    if not Case.objects.visible_to(actor).filter(pk=original.pk).exists():
        raise NotFound(_("No such case."))
    if original.pk == case.pk:
        raise ValidationFailed(_("A case cannot duplicate itself."), field="original")
    if original.case_type_id != case.case_type_id:
        raise ValidationFailed(
            _("A case can only duplicate a case of the same type."), field="original"
        )
    if original.status in (Status.DUPLICATE, Status.REJECTED, Status.VOID):
        raise ValidationFailed(
            _("The original case is itself rejected, void or a duplicate."), field="original"
        )
    now = timezone.now()
    changes = {"duplicate_of": original, **_stop_response_clock(case, now)}
    case = _apply(
        case,
        actor,
        "merge",
        changes=changes,
        note=_text(note, field="note"),
        data={"original": original.number},
        now=now,
    )
    followers = CaseFollower.objects.filter(case=case).values_list("user_id", flat=True)
    CaseFollower.objects.bulk_create(
        [CaseFollower(case=original, user_id=u, created_at=now) for u in followers],
        ignore_conflicts=True,
    )
    return case


# ---------------------------------------------------------------------------------------------
# Handler's actions


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
    from meihao.places.geo import haversine_m, validate_point

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
    note = _text(note, field="note")
    return _apply(case, actor, "start", note=note, data=_on_site(case, lat, lon))


@transaction.atomic
def case_report_back(*, case: Case, actor, note: str, lat=None, lon=None) -> Case:
    """反馈: the handler reports what was done; the handling clock stops. For on-site case
    types this is the check-out, with the handler's position as for `case_start`."""
    authorise(case, actor, "report_back")
    note = _text(note, field="note", required_message=_("Say what was done."))
    data = _on_site(case, lat, lon)
    now = timezone.now()
    changes = {
        "reported_back_at": now,
        "handling_sla": sla.colour(now, case.resolve_warn_at, case.resolve_by),
    }
    return _apply(case, actor, "report_back", changes=changes, note=note, data=data, now=now)


@transaction.atomic
def case_return(*, case: Case, actor, reason: str) -> Case:
    """回退: the handler returns a misrouted case to the dispatcher."""
    authorise(case, actor, "return")
    reason = _text(reason, field="reason", required_message=_("Say why the case is returned."))
    changes = {"assigned_organisation": None, "assigned_team": None, "assigned_user": None}
    return _apply(case, actor, "return", changes=changes, note=reason)


@transaction.atomic
def case_request_extension(*, case: Case, actor, until: datetime, reason: str) -> Case:
    """延期申请: ask the supervisor to move the handling deadline to `until`."""
    authorise(case, actor, "request_extension")
    reason = _text(reason, field="reason", required_message=_("Say why more time is needed."))
    if not isinstance(until, datetime) or timezone.is_naive(until):
        raise ValidationFailed(_("Give the new deadline as a date and time."), field="until")
    assert case.resolve_by is not None  # authorised: the handling clock runs
    if until <= max(timezone.now(), case.resolve_by):
        raise ValidationFailed(
            _("The new deadline must be later than the current one."), field="until"
        )
    changes = {"extension_until": until, "extension_reason": reason}
    return _apply(
        case,
        actor,
        "request_extension",
        changes=changes,
        note=reason,
        data={"until": until.isoformat()},
    )


@transaction.atomic
def case_approve_extension(*, case: Case, actor, note: str = "") -> Case:
    """延期批准: the handling deadline moves to the requested time."""
    authorise(case, actor, "approve_extension")
    now = timezone.now()
    until = case.extension_until
    # Authorised: an extension was requested while the handling clock ran.
    assert until is not None and case.resolve_by is not None
    started = case.handling_started_at or now
    new = sla.extended_thresholds(started, until)
    changes = {
        "resolve_warn_at": new.warn_at,
        "resolve_by": new.due_at,
        "resolve_escalate_at": new.escalate_at,
        "handling_sla": sla.colour(now, new.warn_at, new.due_at),
        "extension_until": None,
        "extension_reason": "",
    }
    data = {"from": case.resolve_by.isoformat(), "to": until.isoformat()}
    return _apply(
        case,
        actor,
        "approve_extension",
        changes=changes,
        note=_text(note, field="note"),
        data=data,
        now=now,
    )


@transaction.atomic
def case_deny_extension(*, case: Case, actor, reason: str) -> Case:
    """The supervisor refuses the extension; the deadline stays."""
    authorise(case, actor, "deny_extension")
    reason = _text(reason, field="reason", required_message=_("Give a reason for the refusal."))
    changes = {"extension_until": None, "extension_reason": ""}
    return _apply(case, actor, "deny_extension", changes=changes, note=reason)


# ---------------------------------------------------------------------------------------------
# Verifier's and supervisor's actions


@transaction.atomic
def case_verify_close(*, case: Case, actor, note: str = "") -> Case:
    """核查结案: the grid worker (or dispatcher) confirms the fix — for types the requester
    confirms, the requester — and the case closes.

    Then the type's close effects run in the same transaction (cases.extensions: the time bank
    pays the helper's minutes, a micro-wish credits its claimants' points). If they fail (a
    capped account is full), nothing is written, `case` is read again and the error raised.
    """
    authorise(case, actor, "verify_close")
    note = _text(note, field="note")
    effects = close_effects(case.case_type.code)
    now = timezone.now()
    try:
        with transaction.atomic():
            _apply(case, actor, "verify_close", changes={"closed_at": now}, note=note, now=now)
            if effects is not None:
                effects(case=case, actor=actor)
    except DomainError:
        case.refresh_from_db()
        raise
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """返工: the fix is not good enough; back to the handler, same deadline."""
    authorise(case, actor, "reopen")
    reason = _text(reason, field="reason", required_message=_("Say what is still wrong."))
    return _apply(case, actor, "reopen", note=reason)


@transaction.atomic
def case_park(*, case: Case, actor, reason: str) -> Case:
    """挂账: the case cannot be solved for now (needs funds, planning); clocks stop."""
    authorise(case, actor, "park")
    reason = _text(reason, field="reason", required_message=_("Say why the case is parked."))
    return _apply(case, actor, "park", note=reason)


@transaction.atomic
def case_unpark(*, case: Case, actor, note: str = "") -> Case:
    """Take a parked case back up: it returns to accepted, ready to dispatch."""
    authorise(case, actor, "unpark")
    return _apply(case, actor, "unpark", note=_text(note, field="note"))


@transaction.atomic
def case_void(*, case: Case, actor, reason: str) -> Case:
    """作废: withdraw a case filed in error."""
    authorise(case, actor, "void")
    reason = _text(reason, field="reason", required_message=_("Say why the case is void."))
    return _apply(case, actor, "void", note=reason)


def case_record_event(*, case: Case, actor, action: str, note: str = "", data=None) -> CaseEvent:
    """A timeline entry that moves no state: what an app built on the engine records about a
    case (a second claimant joining a micro-wish, an unclaimed wish escalated, the helpers a
    help request was offered to). The caller has authorised the actor (None: the system).
    Workflow actions go through their own services, never through this."""
    if action in TRANSITIONS or not re.fullmatch(r"[a-z_]{1,32}", action):
        raise ValueError(f"{action!r} is a workflow action or not a lower-case event code.")
    now = timezone.now()
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case,
            actor=_user(actor),
            created_at=now,
            action=action,
            from_status=case.status,
            to_status=case.status,
            note=_text(note, field="note"),
            data=data or {},
        )
        audit_change(actor=actor, action=f"case.{action}", target=case, changes={})
    return event


ACTION_SERVICES: dict[str, Callable[..., Case]] = {
    "accept": case_accept,
    "dispatch": case_dispatch,
    "claim": case_claim,
    "reject": case_reject,
    "merge": case_merge_duplicate,
    "start": case_start,
    "report_back": case_report_back,
    "return": case_return,
    "request_extension": case_request_extension,
    "approve_extension": case_approve_extension,
    "deny_extension": case_deny_extension,
    "verify_close": case_verify_close,
    "reopen": case_reopen,
    "park": case_park,
    "unpark": case_unpark,
    "void": case_void,
}


# ---------------------------------------------------------------------------------------------
# The dispatch board's one-click and bulk actions


class BulkActionFailed(ValidationFailed):
    """A bulk action that changed nothing because some cases could not take it.

    `case_errors` maps each failing case number to the reason, in the user's language.
    """

    code = "bulk_action_failed"

    def __init__(self, case_errors: dict[str, str]):
        self.case_errors = case_errors
        summary = "; ".join(f"{number}: {message}" for number, message in case_errors.items())
        super().__init__(
            _("Nothing was dispatched. %(count)d cases cannot be: %(errors)s")
            % {"count": len(case_errors), "errors": summary},
            field="cases",
        )


@transaction.atomic
def case_accept_and_dispatch(
    *, case: Case, actor, organisation=None, team=None, user=None, note: str = ""
) -> Case:
    """立案并派遣 in one step: accept a submitted case, then dispatch it.

    Without an assignee, the case goes to the suggested department and its team serving the
    place (cases.routing.suggest_assignee). Two timeline events, one transaction: if the
    dispatch fails, the acceptance is rolled back too.
    """
    if organisation is None and team is None and user is None:
        suggestion = suggest_assignee(case)
        if suggestion is None:
            # Authorise first: a case the actor may not touch is 404/403, not "no suggestion".
            authorise(case, actor, "dispatch")
            raise ValidationFailed(
                _("No department is suggested for this case; choose one."),
                field="organisation",
            )
        organisation, team = suggestion.organisation, suggestion.team
    if case.status == Status.SUBMITTED:
        case_accept(case=case, actor=actor)
    return case_dispatch(
        case=case, actor=actor, organisation=organisation, team=team, user=user, note=note
    )


def case_bulk_dispatch(*, cases, actor, organisation=None, team=None, note: str = "") -> list[Case]:
    """Dispatch several cases at once, all or nothing.

    Each case is accepted if still submitted and dispatched to `organisation` / `team`, or to
    its own suggested department team when none is given. If any case fails, nothing changes and
    BulkActionFailed names every failing case with its reason (the `cases` objects passed in
    may then hold stale statuses: read them again).
    """
    cases = list(cases)
    if not cases:
        raise ValidationFailed(_("Choose at least one case."), field="cases")
    errors: dict[str, str] = {}
    with transaction.atomic():
        for case in cases:
            try:
                with transaction.atomic():
                    case_accept_and_dispatch(
                        case=case, actor=actor, organisation=organisation, team=team, note=note
                    )
            except DomainError as exc:
                errors[case.number] = str(exc.message)
        if errors:
            # Leaving the block with an exception rolls back every dispatch made above.
            raise BulkActionFailed(errors)
    return cases


@transaction.atomic
def case_report_back_with_photos(
    *, case: Case, actor, note: str, files, lat=None, lon=None
) -> Case:
    """反馈 with photos of the fix: the photos are checked before anything changes, then the
    report-back and its photos (linked to its timeline event) commit together."""
    from meihao.cases.photos import PhotoStage, case_photos_attach
    from meihao.core.images import encode_photos

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


# What the staff pages and the case API may call by name: every workflow action, plus the
# board's one-click accept-and-dispatch.
STAFF_ACTION_SERVICES: dict[str, Callable[..., Case]] = {
    **ACTION_SERVICES,
    "accept_dispatch": case_accept_and_dispatch,
}
