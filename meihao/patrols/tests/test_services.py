"""Start, record and end a patrol; who may; idempotency; GPS noise; the stale sweep; the daily
`patrol` tallies the services move."""

import datetime
import uuid

import pytest
import time_machine
from django.db import IntegrityError, transaction

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent, ObligationTally, ObligationYear
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.patrols import services
from meihao.patrols.models import DUTY, PatrolSession, TrackPoint
from meihao.patrols.tests.helpers import A1, A2, B1, STEP_LAT, local, track, walk

NOW = local(2025, 3, 12, 10, 0)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def start(worker, **kwargs):
    kwargs.setdefault("client_id", uuid.uuid4())
    return services.patrol_start(actor=worker, **kwargs)


def nothing_changed():
    return (
        PatrolSession.objects.count(),
        TrackPoint.objects.count(),
        ObligationTally.objects.count(),
    )


def patrolled(worker, day: datetime.date) -> int:
    """The worker's `patrol` tally of `day`, in seconds (0 without a row)."""
    row = ObligationTally.objects.filter(
        duty=DUTY, subject_id=worker.pk, period="day", starts_on=day
    ).first()
    return row.amount if row else 0


def days_met(worker, year: int = NOW.year) -> int:
    row = ObligationYear.objects.filter(duty=DUTY, subject_id=worker.pk, year=year).first()
    return row.periods_met if row else 0


def test_start_record_end(personas):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(minutes=65)
    result = start(worker, started_at=begun.isoformat())
    session = result.session
    assert result.created
    assert session.grid == personas.tree.grid_a1
    assert session.place_path == personas.tree.grid_a1.path
    assert session.person == worker.person
    assert session.is_active

    recorded = services.patrol_record_points(actor=worker, session=session, points=track(begun, 60))
    assert (recorded.stored, recorded.duplicates, recorded.rejected) == (121, 0, [])
    session.refresh_from_db()
    assert session.point_count == 121
    assert session.last_point_at == begun + datetime.timedelta(minutes=60)

    ended = services.patrol_end(actor=worker, session=session)
    assert ended.status == PatrolSession.Status.ENDED
    assert ended.end_reason == PatrolSession.EndReason.WORKER
    assert ended.ended_at == NOW
    assert ended.duration_s == 65 * 60
    # 120 steps: 118 of ~33.4 m north plus one jump back south (59 steps in 30 s: ignored) —
    # the track helper walks 60 steps north then starts over from the origin.
    assert 3_800 < ended.distance_m < 4_000
    assert patrolled(worker, NOW.date()) == 65 * 60
    assert days_met(worker) == 1
    actions = list(
        AuditEvent.objects.filter(target_type="patrols.patrolsession").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["patrol.end", "patrol.start"]


def test_grid_is_found_from_the_location(personas):
    worker = make_user(
        "13800000021", "社区网格员", roles=[(Role.GRID_WORKER, personas.tree.community_a)]
    )
    assert start(worker, lat=A2[0], lon=A2[1]).session.grid == personas.tree.grid_a2


def test_worker_of_several_grids_without_location_must_choose(personas):
    worker = make_user(
        "13800000021", "社区网格员", roles=[(Role.GRID_WORKER, personas.tree.community_a)]
    )
    with pytest.raises(ValidationFailed) as error:
        start(worker)
    assert error.value.code == "grid_required"
    # Standing in community B's grid does not make it theirs either.
    with pytest.raises(ValidationFailed):
        start(worker, lat=B1[0], lon=B1[1])
    assert PatrolSession.objects.count() == 0


def test_grid_worker_of_b_cannot_patrol_grid_a1(personas):
    before = nothing_changed()
    with pytest.raises(NotFound):
        start(personas.grid_worker_b, grid=personas.tree.grid_a1)
    with pytest.raises(NotFound):
        start(personas.grid_worker_b, grid=personas.tree.grid_a1.pk)
    assert nothing_changed() == before
    assert not AuditEvent.objects.filter(action__startswith="patrol").exists()


def test_location_in_someone_elses_grid_falls_back_to_the_own_grid(personas):
    session = start(personas.grid_worker_b, lat=A1[0], lon=A1[1]).session
    assert session.grid == personas.tree.grid_b1


@pytest.mark.parametrize(
    "persona", ["resident_a", "outsider", "community_staff_a", "street_chief_a", "district_admin"]
)
def test_only_grid_workers_patrol(personas, persona):
    before = nothing_changed()
    with pytest.raises(PermissionDenied):
        start(getattr(personas, persona), grid=personas.tree.grid_a1)
    assert nothing_changed() == before


def test_same_client_id_returns_the_same_session(personas):
    client_id = uuid.uuid4()
    first = start(personas.grid_worker_a, client_id=client_id)
    again = start(personas.grid_worker_a, client_id=str(client_id))
    assert first.created and not again.created
    assert again.session.pk == first.session.pk
    assert PatrolSession.objects.count() == 1
    # Even after it ended: the phone may resend a start it never heard back about.
    services.patrol_end(actor=personas.grid_worker_a, session=first.session)
    assert start(personas.grid_worker_a, client_id=client_id).session.pk == first.session.pk


def test_someone_elses_client_id_is_not_found(personas):
    client_id = uuid.uuid4()
    start(personas.grid_worker_a, client_id=client_id)
    with pytest.raises(NotFound):
        start(personas.grid_worker_b, client_id=client_id)


def test_one_active_patrol_per_worker(personas):
    start(personas.grid_worker_a)
    with pytest.raises(ValidationFailed) as error:
        start(personas.grid_worker_a)
    assert error.value.code == "patrol_in_progress"
    assert PatrolSession.objects.count() == 1


def test_database_refuses_a_second_active_patrol(personas):
    first = start(personas.grid_worker_a).session
    with pytest.raises(IntegrityError), transaction.atomic():
        PatrolSession.objects.create(
            worker=first.worker,
            grid=first.grid,
            place_path=first.place_path,
            started_at=NOW,
            client_id=uuid.uuid4(),
        )


@pytest.mark.parametrize(
    ("started_at", "code"),
    [
        (NOW + datetime.timedelta(minutes=6), "time_in_future"),
        (NOW - datetime.timedelta(hours=25), "started_too_early"),
        ("yesterday", "invalid_time"),
    ],
)
def test_bad_start_time_changes_nothing(personas, started_at, code):
    with pytest.raises(ValidationFailed) as error:
        start(personas.grid_worker_a, started_at=started_at)
    assert error.value.code == code
    assert PatrolSession.objects.count() == 0


def test_small_clock_skew_is_accepted(personas):
    session = start(personas.grid_worker_a, started_at=NOW + datetime.timedelta(minutes=4)).session
    assert session.started_at == NOW


def test_duplicate_batch_is_stored_once(personas):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(minutes=10)
    session = start(worker, started_at=begun).session
    batch = track(begun, 5)
    first = services.patrol_record_points(actor=worker, session=session, points=batch)
    again = services.patrol_record_points(actor=worker, session=session, points=batch)
    overlapping = services.patrol_record_points(
        actor=worker, session=session, points=track(begun, 8)
    )
    assert (first.stored, first.duplicates) == (11, 0)
    assert (again.stored, again.duplicates) == (0, 11)
    assert (overlapping.stored, overlapping.duplicates) == (6, 11)
    assert TrackPoint.objects.filter(session=session).count() == 17
    session.refresh_from_db()
    assert session.point_count == 17


def test_repeated_point_inside_one_batch_is_stored_once(personas):
    worker = personas.grid_worker_a
    session = start(worker, started_at=NOW - datetime.timedelta(minutes=1)).session
    point = track(NOW - datetime.timedelta(minutes=1), 0)[0]
    result = services.patrol_record_points(actor=worker, session=session, points=[point, point])
    assert (result.stored, result.duplicates) == (1, 1)


@pytest.mark.parametrize(
    ("point", "code"),
    [
        ({"lat": 91, "lon": 111.2}, "invalid_point"),
        ({"lat": 23.4, "lon": -181}, "invalid_point"),
        ({"lat": "nan", "lon": 111.2}, "invalid_point"),
        ({"lat": 0, "lon": 0}, "invalid_point"),
        ({"lat": 23.4, "lon": 111.2, "shift": 6}, "time_in_future"),
        ({"lat": 23.4, "lon": 111.2, "shift": -11}, "before_start"),
    ],
)
def test_impossible_points_are_refused_alone(personas, point, code):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(minutes=10)
    session = start(worker, started_at=begun).session
    moment = NOW + datetime.timedelta(minutes=point.pop("shift", -1))
    bad = {**point, "recorded_at": moment.isoformat()}
    good = track(begun, 1)
    result = services.patrol_record_points(actor=worker, session=session, points=[*good, bad])
    assert result.stored == len(good)
    assert [(r["index"], r["code"]) for r in result.rejected] == [(len(good), code)]
    assert TrackPoint.objects.count() == len(good)


def test_malformed_batch_changes_nothing(personas):
    worker = personas.grid_worker_a
    session = start(worker).session
    with pytest.raises(ValidationFailed):
        services.patrol_record_points(actor=worker, session=session, points={"lat": 1})
    with pytest.raises(ValidationFailed):
        services.patrol_record_points(
            actor=worker, session=session, points=[{"lat": 23.4, "lon": 111.2, "t": NOW}] * 1001
        )
    assert TrackPoint.objects.count() == 0


def test_points_of_someone_elses_patrol_are_not_found(personas):
    session = start(personas.grid_worker_a).session
    with pytest.raises(NotFound):
        services.patrol_record_points(
            actor=personas.grid_worker_b, session=session, points=track(NOW, 0)
        )
    with pytest.raises(NotFound):
        services.patrol_end(actor=personas.grid_worker_b, session=session)
    assert TrackPoint.objects.count() == 0
    session.refresh_from_db()
    assert session.is_active


def test_points_after_the_end_are_refused(personas):
    worker = personas.grid_worker_a
    session = start(worker, started_at=NOW - datetime.timedelta(minutes=5)).session
    services.patrol_end(actor=worker, session=session)
    with pytest.raises(ValidationFailed) as error:
        services.patrol_record_points(
            actor=worker, session=session, points=track(NOW - datetime.timedelta(minutes=5), 1)
        )
    assert error.value.code == "patrol_ended"
    assert TrackPoint.objects.count() == 0


def test_ending_twice_returns_the_ended_patrol_unchanged(personas):
    worker = personas.grid_worker_a
    session = start(worker, started_at=NOW - datetime.timedelta(minutes=30)).session
    first = services.patrol_end(actor=worker, session=session)
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        again = services.patrol_end(actor=worker, session=session.pk)
    assert again.ended_at == first.ended_at == NOW
    assert AuditEvent.objects.filter(action="patrol.end").count() == 1


def test_end_before_start_is_refused(personas):
    worker = personas.grid_worker_a
    session = start(worker, started_at=NOW - datetime.timedelta(minutes=30)).session
    with pytest.raises(ValidationFailed):
        services.patrol_end(
            actor=worker, session=session, ended_at=NOW - datetime.timedelta(minutes=31)
        )
    session.refresh_from_db()
    assert session.is_active


def test_end_is_never_before_the_last_point(personas):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(minutes=30)
    session = start(worker, started_at=begun).session
    services.patrol_record_points(actor=worker, session=session, points=track(begun, 20))
    ended = services.patrol_end(
        actor=worker, session=session, ended_at=begun + datetime.timedelta(minutes=10)
    )
    assert ended.ended_at == begun + datetime.timedelta(minutes=20)


def test_gps_jumps_are_not_counted_in_the_distance(personas):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(minutes=30)
    steady = [
        {
            "recorded_at": (begun + datetime.timedelta(seconds=30 * n)).isoformat(),
            "lat": A1[0] + STEP_LAT * n,
            "lon": A1[1],
        }
        for n in range(11)
    ]
    honest = walk(worker, begun, 0)  # a reference patrol without points
    assert honest.distance_m == 0

    session = start(worker, started_at=begun).session
    noisy = [dict(p) for p in steady]
    # Point 5 is 2 km east for one reading: 2 km in 30 s is 240 km/h.
    noisy[5]["lon"] = A1[1] + 0.02
    services.patrol_record_points(actor=worker, session=session, points=noisy)
    ended = services.patrol_end(actor=worker, session=session)
    # 10 steps of ~33.4 m, minus the two steps around the jump (4 → 5 and 5 → 6).
    assert 260 < ended.distance_m < 275

    clean = services.track_distance_m(
        (datetime.datetime.fromisoformat(p["recorded_at"]), p["lat"], p["lon"]) for p in steady
    )
    assert 330 < clean < 340


def test_haversine_matches_a_known_distance():
    # One degree of latitude is about 111.2 km on the mean sphere.
    assert services.haversine_m(23.0, 111.0, 24.0, 111.0) == pytest.approx(111_195, rel=1e-3)


def test_stale_sessions_are_ended_at_their_last_point(personas, frozen):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(hours=4, minutes=30)
    stale = start(worker, started_at=begun).session
    services.patrol_record_points(actor=worker, session=stale, points=track(begun, 50))
    silent = start(personas.grid_worker_b, started_at=NOW - datetime.timedelta(hours=5)).session
    fresh_worker = make_user(
        "13800000022", "网格员丙", roles=[(Role.GRID_WORKER, personas.tree.grid_a2)]
    )
    fresh = start(fresh_worker, started_at=NOW - datetime.timedelta(hours=3)).session

    ended = services.patrol_end_stale()

    assert sorted(ended) == sorted([stale.pk, silent.pk])
    stale.refresh_from_db()
    silent.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.ended_at == begun + datetime.timedelta(minutes=50)
    assert stale.duration_s == 50 * 60
    assert stale.end_reason == PatrolSession.EndReason.STALE
    assert silent.ended_at == silent.started_at and silent.duration_s == 0
    assert patrolled(worker, NOW.date()) == 50 * 60
    assert not ObligationTally.objects.filter(subject_id=personas.grid_worker_b.pk).exists()
    assert fresh.is_active
    assert AuditEvent.objects.filter(action="patrol.auto_end", actor=None).count() == 2
    assert services.patrol_end_stale() == []  # idempotent


def test_stale_sweep_task_runs_the_service(personas):
    from meihao.patrols.tasks import patrol_end_stale_task

    start(personas.grid_worker_a, started_at=NOW - datetime.timedelta(hours=5))
    patrol_end_stale_task.call_local()
    assert not PatrolSession.objects.active().exists()


# --- the daily `patrol` tallies ---------------------------------------------------------------


def test_a_patrol_across_midnight_moves_the_tally_of_both_days(personas):
    worker = personas.grid_worker_a
    # 23:20 on Tuesday to 00:35 on Wednesday, China time.
    walk(worker, local(2025, 3, 11, 23, 20), 75)
    assert patrolled(worker, datetime.date(2025, 3, 11)) == 40 * 60
    assert patrolled(worker, datetime.date(2025, 3, 12)) == 35 * 60
    assert ObligationTally.objects.filter(duty=DUTY).count() == 2
    assert days_met(worker) == 0  # neither day reached the hour


def test_the_day_crossing_the_hour_counts_one_day_met(personas):
    worker = personas.grid_worker_a
    walk(worker, local(2025, 3, 12, 7, 0), 30)
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (30 * 60, 0)
    walk(worker, local(2025, 3, 12, 8, 0), 35)
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (65 * 60, 1)
    walk(worker, local(2025, 3, 12, 9, 0), 10)  # more on a day met is not another day
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (75 * 60, 1)
    walk(worker, local(2025, 3, 11, 9, 0), 60)  # the day before: a second day
    assert days_met(worker) == 2


def test_points_and_the_end_move_the_tally_by_the_difference(personas):
    worker = personas.grid_worker_a
    begun = NOW - datetime.timedelta(minutes=70)
    session = start(worker, started_at=begun).session
    services.patrol_record_points(actor=worker, session=session, points=track(begun, 20))
    assert patrolled(worker, NOW.date()) == 20 * 60
    # The same batch again, and one overlapping it: the tally follows the track, not the sends.
    services.patrol_record_points(actor=worker, session=session, points=track(begun, 20))
    assert patrolled(worker, NOW.date()) == 20 * 60
    services.patrol_record_points(actor=worker, session=session, points=track(begun, 50))
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (50 * 60, 0)
    services.patrol_end(
        actor=worker, session=session, ended_at=begun + datetime.timedelta(minutes=65)
    )
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (65 * 60, 1)
    services.patrol_end(actor=worker, session=session)  # resent: unchanged
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (65 * 60, 1)
    assert ObligationTally.objects.filter(duty=DUTY).count() == 1


def test_overlapping_patrols_count_once_in_the_tally(personas):
    worker = personas.grid_worker_a
    walk(worker, local(2025, 3, 12, 7, 0), 40)
    # Started offline at 07:20, while the first was still under way: 07:00–08:10 in all.
    walk(worker, local(2025, 3, 12, 7, 20), 50)
    assert (patrolled(worker, NOW.date()), days_met(worker)) == (70 * 60, 1)
