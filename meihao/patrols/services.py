"""Every write about patrols: start, record points, end, and the sweep of forgotten sessions.

Each public function takes keyword arguments only and runs in one transaction. Start and end
write the audit trail; point batches do not (a patrol sends one every 30 s: the points
themselves, with their `received_at`, are the record). Point batches and ends move the
worker's daily `patrol` tallies (`core.obligations`) in the same transaction.

Everything the phone sends may arrive late, twice, or out of order, so every write is
idempotent: a session is found by its `client_id`, a point by (session, phone time), and ending
an ended session returns it unchanged.
"""

import datetime
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import ObligationTally
from meihao.core.obligations import Period, tally_add
from meihao.core.scoping import scope_paths
from meihao.patrols.days import DUTY_TZ, day_bounds, days_between, split_by_day
from meihao.patrols.models import DUTY, DUTY_SECONDS, PATROLLERS, PatrolSession, TrackPoint
from meihao.patrols.selectors import patrol_grids
from meihao.places.geo import haversine_m, locate, validate_point
from meihao.places.models import Place

# A phone's clock may run ahead of the server's by this much before its times are refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# A patrol started offline may be sent up to a day later.
MAX_BACKDATE = datetime.timedelta(hours=24)
# Sessions still active this long after their start were forgotten: the sweep ends them.
STALE_AFTER = datetime.timedelta(hours=4)
# GPS noise filter for the distance: a step implying more than 30 km/h is not walking (or
# cycling through an old town); it is a jump of the fix, and its length is not counted.
MAX_SPEED_M_S = 30_000 / 3600
MAX_POINTS_PER_BATCH = 1000


def _now() -> datetime.datetime:
    return timezone.now()


def _parse_time(value, *, field_name: str) -> datetime.datetime:
    """An aware datetime from a datetime, an ISO 8601 string or epoch milliseconds."""
    parsed = None
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, bool):
        parsed = None
    elif isinstance(value, int | float) and math.isfinite(value):
        try:
            parsed = datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            parsed = None
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationFailed(
            _("The time is not a valid date and time."), code="invalid_time", field=field_name
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, DUTY_TZ)
    return parsed


def _check_not_future(moment: datetime.datetime, *, now, field_name: str) -> None:
    if moment > now + CLOCK_SKEW:
        raise ValidationFailed(
            _("The time lies in the future; check the phone's clock."),
            code="time_in_future",
            field=field_name,
        )


# --- geometry ---------------------------------------------------------------------------------


def track_distance_m(points: Iterable[tuple[datetime.datetime, float, float]]) -> float:
    """Length of a track of (time, lat, lon) points, in time order, without GPS jumps.

    Each step between consecutive points counts unless it implies more than 30 km/h
    (MAX_SPEED_M_S): a cheap phone indoors or under the arcades (骑楼) often reports a fix
    hundreds of metres off for one reading. Such a step is skipped and the track goes on from
    the new point, so a single bad fix drops both steps around it (out and back), and a genuine
    ride between two places drops only that ride.
    """
    total = 0.0
    previous = None
    for moment, lat, lon in points:
        if previous is not None:
            seconds = (moment - previous[0]).total_seconds()
            step = haversine_m(previous[1], previous[2], lat, lon)
            if seconds > 0 and step / seconds <= MAX_SPEED_M_S:
                total += step
        previous = (moment, lat, lon)
    return total


# --- daily minutes: the `patrol` duty's tallies ---------------------------------------------------


def _session_interval(session: PatrolSession) -> tuple[datetime.datetime, datetime.datetime]:
    """What a session has patrolled so far: to its end, or (while active) to its last point."""
    end = session.ended_at or session.last_point_at or session.started_at
    return session.started_at, max(end, session.started_at)


def _move_days(*, worker_id: int, days: Iterable[datetime.date]) -> None:
    """Bring the worker's `patrol` tallies for `days` to what all their sessions on those days
    cover, moving each by the difference (so the years' days met follow through `tally_add`).

    The worker's days only move under the lock of their one active session (points and end
    both take it), so no other patrol creates these tallies meanwhile; the rows found are
    locked all the same (as `tally_add` locks its row), so that nothing moves them between the
    read and the move."""
    days = sorted(set(days))
    if not days:
        return
    window_start = day_bounds(days[0])[0]
    window_end = day_bounds(days[-1])[1]
    sessions = PatrolSession.objects.filter(worker_id=worker_id, started_at__lt=window_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=window_start)
    )
    totals = split_by_day(_session_interval(s) for s in sessions)
    counted = dict(
        ObligationTally.objects.select_for_update()
        .filter(duty=DUTY, subject_id=worker_id, period=Period.DAY, starts_on__in=days)
        .values_list("starts_on", "amount")
    )
    for day in days:
        change = totals.get(day, 0) - counted.get(day, 0)
        if change:
            tally_add(
                duty=DUTY,
                subject_id=worker_id,
                period=Period.DAY,
                day=day,
                amount=change,
                minimum=DUTY_SECONDS,
            )


# --- start ------------------------------------------------------------------------------------


def _grid_for_start(*, actor, grid, lat, lon) -> Place:
    if not scope_paths(actor, PATROLLERS):
        raise PermissionDenied(_("Only grid workers patrol."), code="not_a_grid_worker")
    grids = patrol_grids(actor)
    if grid is not None:
        grid_id = grid.pk if isinstance(grid, Place) else grid
        try:
            return grids.get(pk=grid_id)
        except (Place.DoesNotExist, ValueError, TypeError):
            # Someone else's grid answers as if it did not exist.
            raise NotFound(_("No such grid among yours."), code="grid_not_found") from None
    if lat is not None and lon is not None:
        validate_point(lat, lon)
        located = locate(lat, lon)
        if located is not None and grids.filter(pk=located.pk).exists():
            return located
    own = list(grids[:2])
    if len(own) == 1:
        return own[0]
    raise ValidationFailed(
        _("Choose the grid you are patrolling."), code="grid_required", field="grid"
    )


@dataclass(frozen=True)
class StartResult:
    session: PatrolSession
    created: bool


def patrol_start(
    *,
    actor,
    client_id,
    grid: Place | int | None = None,
    lat: float | None = None,
    lon: float | None = None,
    started_at: datetime.datetime | str | None = None,
) -> StartResult:
    """Start a patrol for `actor` (a grid worker) in `grid`, or in the grid found from the
    worker's scope or from (lat, lon). Sending the same `client_id` again returns the same
    session (`created=False`), whatever became of it since."""
    try:
        client_id = uuid.UUID(str(client_id))
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("The patrol's client id is not a UUID."), code="invalid_client_id", field="client_id"
        ) from None
    with transaction.atomic():
        existing = PatrolSession.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.worker_id != actor.pk:
                raise NotFound(_("No such patrol."), code="patrol_not_found")
            return StartResult(existing, created=False)
        place = _grid_for_start(actor=actor, grid=grid, lat=lat, lon=lon)

        now = _now()
        if started_at in (None, ""):
            started = now
        else:
            started = _parse_time(started_at, field_name="started_at")
        _check_not_future(started, now=now, field_name="started_at")
        if started < now - MAX_BACKDATE:
            raise ValidationFailed(
                _("A patrol cannot be started more than a day in the past."),
                code="started_too_early",
                field="started_at",
            )
        started = min(started, now)
        if PatrolSession.objects.active().filter(worker=actor).exists():
            raise ValidationFailed(
                _("You already have a patrol in progress; end it first."),
                code="patrol_in_progress",
            )
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the outer one usable
                session = PatrolSession.objects.create(
                    worker=actor,
                    person=getattr(actor, "person", None),
                    grid=place,
                    place_path=place.path,
                    started_at=started,
                    client_id=client_id,
                )
        except IntegrityError:
            # Lost a race: the same start sent twice at once, or a second start of the worker.
            existing = PatrolSession.objects.filter(client_id=client_id, worker=actor).first()
            if existing is not None:
                return StartResult(existing, created=False)
            raise ValidationFailed(
                _("You already have a patrol in progress; end it first."),
                code="patrol_in_progress",
            ) from None
        audit_change(
            actor=actor,
            action="patrol.start",
            target=session,
            changes={"grid": [None, place.code], "started_at": [None, started.isoformat()]},
        )
    return StartResult(session, created=True)


# --- points -----------------------------------------------------------------------------------


@dataclass
class RecordResult:
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"index", "code", "message"}


def _clean_point(raw, *, session: PatrolSession, now) -> TrackPoint:
    if not isinstance(raw, dict):
        raise ValidationFailed(_("A point must have a time, a latitude and a longitude."))
    moment = _parse_time(raw.get("recorded_at", raw.get("t")), field_name="recorded_at")
    _check_not_future(moment, now=now, field_name="recorded_at")
    if moment < session.started_at:
        raise ValidationFailed(
            _("The point was recorded before the patrol started."),
            code="before_start",
            field="recorded_at",
        )
    lat, lon = validate_point(raw.get("lat"), raw.get("lon"))
    if lat == 0 and lon == 0:
        # (0, 0) is what some phones report when they have no fix at all ("Null Island").
        raise ValidationFailed(_("The phone reported no position."), code="invalid_point")
    accuracy = raw.get("accuracy_m", raw.get("acc"))
    if accuracy is not None:
        try:
            accuracy = float(accuracy)
        except (TypeError, ValueError):
            accuracy = None
        if accuracy is not None and not (math.isfinite(accuracy) and accuracy >= 0):
            accuracy = None
    return TrackPoint(session=session, recorded_at=moment, lat=lat, lon=lon, accuracy_m=accuracy)


def _lock_own_session(*, actor, session: PatrolSession | int) -> PatrolSession:
    session_id = session.pk if isinstance(session, PatrolSession) else session
    locked = PatrolSession.objects.select_for_update().filter(pk=session_id, worker=actor).first()
    if locked is None:
        raise NotFound(_("No such patrol."), code="patrol_not_found")
    return locked


def patrol_record_points(
    *, actor, session: PatrolSession | int, points: Sequence[dict]
) -> RecordResult:
    """Store a batch of track points of the actor's active patrol.

    A point is {"recorded_at" (or "t"): ISO time or epoch ms, "lat", "lon", "accuracy_m" (or
    "acc")}. Points already stored (same session and time) are skipped, so a batch sent twice is
    stored once. A point with impossible coordinates, a time more than five minutes in the future
    or before the start is refused on its own and reported back, so that one bad fix does not
    block the phone's queue; a malformed batch, or one for an ended patrol, changes nothing.
    """
    if not isinstance(points, list | tuple):
        raise ValidationFailed(_("Points must be sent as a list."), code="invalid_points")
    if len(points) > MAX_POINTS_PER_BATCH:
        raise ValidationFailed(
            _("Send at most %(count)d points at a time.") % {"count": MAX_POINTS_PER_BATCH},
            code="too_many_points",
        )
    with transaction.atomic():
        session = _lock_own_session(actor=actor, session=session)
        if not session.is_active:
            raise ValidationFailed(_("This patrol has already ended."), code="patrol_ended")
        now = _now()
        result = RecordResult()
        cleaned: dict[datetime.datetime, TrackPoint] = {}
        for index, raw in enumerate(points):
            try:
                point = _clean_point(raw, session=session, now=now)
            except ValidationFailed as error:
                result.rejected.append(
                    {"index": index, "code": error.code, "message": str(error.message)}
                )
                continue
            if point.recorded_at in cleaned:
                result.duplicates += 1
                continue
            cleaned[point.recorded_at] = point
        if not cleaned:
            return result
        already = set(
            session.points.filter(recorded_at__in=list(cleaned)).values_list(
                "recorded_at", flat=True
            )
        )
        fresh = [p for moment, p in cleaned.items() if moment not in already]
        result.duplicates += len(cleaned) - len(fresh)
        # ignore_conflicts also covers a concurrent identical batch (the row lock serialises
        # batches of one session, but not a batch against the stale sweep's end).
        TrackPoint.objects.bulk_create(fresh, ignore_conflicts=True)
        result.stored = len(fresh)
        if fresh:
            stats = session.points.aggregate(last=Max("recorded_at"))
            previous_last = session.last_point_at
            session.point_count = session.points.count()
            session.last_point_at = stats["last"]
            session.save(update_fields=["point_count", "last_point_at", "updated_at"])
            start = previous_last or session.started_at
            _move_days(
                worker_id=session.worker_id,
                days=days_between(min(start, session.started_at), session.last_point_at),
            )
        return result


# --- end --------------------------------------------------------------------------------------


def _finish(
    *, session: PatrolSession, ended_at: datetime.datetime, reason: str, actor
) -> PatrolSession:
    """End a locked, active session at `ended_at`: duration, distance and daily minutes."""
    ended_at = max(ended_at, session.started_at)
    track = session.points.filter(recorded_at__lte=ended_at).order_by("recorded_at")
    session.distance_m = round(track_distance_m(track.values_list("recorded_at", "lat", "lon")))
    session.ended_at = ended_at
    session.duration_s = int((ended_at - session.started_at).total_seconds())
    session.status = PatrolSession.Status.ENDED
    session.end_reason = reason
    session.save(
        update_fields=[
            "ended_at",
            "duration_s",
            "distance_m",
            "status",
            "end_reason",
            "updated_at",
        ]
    )
    _move_days(worker_id=session.worker_id, days=days_between(session.started_at, ended_at))
    audit_change(
        actor=actor,
        action="patrol.end" if reason == PatrolSession.EndReason.WORKER else "patrol.auto_end",
        target=session,
        changes={
            "status": [PatrolSession.Status.ACTIVE, PatrolSession.Status.ENDED],
            "ended_at": [None, ended_at.isoformat()],
            "duration_s": [None, str(session.duration_s)],
            "distance_m": [None, str(session.distance_m)],
        },
    )
    return session


def patrol_end(
    *, actor, session: PatrolSession | int, ended_at: datetime.datetime | str | None = None
) -> PatrolSession:
    """End the actor's patrol at `ended_at` (the phone's time; now when omitted).

    Ending an ended patrol returns it unchanged (the phone may resend the end). The end never
    lies before the last recorded point: the points prove the patrol was still going.
    """
    with transaction.atomic():
        session = _lock_own_session(actor=actor, session=session)
        if not session.is_active:
            return session
        now = _now()
        end = now if ended_at in (None, "") else _parse_time(ended_at, field_name="ended_at")
        _check_not_future(end, now=now, field_name="ended_at")
        if end < session.started_at:
            raise ValidationFailed(
                _("A patrol cannot end before it started."),
                code="end_before_start",
                field="ended_at",
            )
        end = min(end, now)
        if session.last_point_at and end < session.last_point_at:
            end = session.last_point_at
        return _finish(
            session=session, ended_at=end, reason=PatrolSession.EndReason.WORKER, actor=actor
        )


def patrol_end_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """End every session left active for more than STALE_AFTER, at its last point (or at its
    start when it has none). Run by the periodic task; idempotent. Returns the ended ids."""
    now = now or _now()
    ended = []
    candidates = PatrolSession.objects.active().filter(started_at__lt=now - STALE_AFTER)
    for session_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            session = (
                PatrolSession.objects.select_for_update()
                .filter(pk=session_id, status=PatrolSession.Status.ACTIVE)
                .first()
            )
            if session is None:
                continue  # ended meanwhile by its worker
            _finish(
                session=session,
                ended_at=session.last_point_at or session.started_at,
                reason=PatrolSession.EndReason.STALE,
                actor=None,
            )
            ended.append(session.pk)
    return ended
