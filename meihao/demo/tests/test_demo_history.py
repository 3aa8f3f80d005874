"""The demo's history beyond the cases: department short names that routing finds, the reporters'
ratings of their closed cases, and two weeks of grid-worker patrols — all idempotent."""

import datetime
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from shapely.geometry import Point, shape

from meihao.cases.models import Case, CaseCategory, CaseEvent, CaseRating, Status
from meihao.cases.routing import suggest_assignee
from meihao.core.models import ObligationTally, ObligationYear
from meihao.demo import data
from meihao.demo.accounts import PERSONAS
from meihao.demo.loader import row_counts
from meihao.demo.patrols import patrol_grids_for_scale
from meihao.eldercare.models import FamilyLink
from meihao.patrols.models import DUTY, DUTY_SECONDS, PatrolSession, TrackPoint
from meihao.patrols.selectors import my_patrol_days
from meihao.patrols.services import MAX_SPEED_M_S
from meihao.people.models import Organisation, Team
from meihao.places.geo import haversine_m
from meihao.places.models import Place

TZ = ZoneInfo("Asia/Shanghai")
# A fixed "now" (a Wednesday evening), so that the history is the same on every day.
NOW = datetime.datetime(2024, 11, 20, 18, 0, tzinfo=TZ)
CASES = 200
PATROL_GRIDS = 3
GRID_WORKER_PHONE = next(p.phone for p in PERSONAS if p.role == "grid_worker")
RESIDENT_PHONE = next(p.phone for p in PERSONAS if p.role == "resident")


def seed(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    arguments = {"residents": 300, "cases": CASES, "patrols": PATROL_GRIDS, **options}
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=out, stderr=err, **arguments)
    return out.getvalue() + err.getvalue()


def seed_for_module():
    seed()


@pytest.fixture
def seeded(seeded_module, db):
    pass


# -- department short names -----------------------------------------------------------------------


def test_every_catalogue_department_is_a_demo_short_name(seeded):
    short_names = set(
        Organisation.objects.filter(kind="department", is_demo=True).values_list(
            "short_name", flat=True
        )
    )
    classes = CaseCategory.objects.filter(parent__isnull=False).exclude(department="")
    named = set(
        classes.filter(case_type__grid_management=True).values_list("department", flat=True)
    )
    assert named == {"城管", "公安", "消防", "交警", "市场监督", "环卫"}
    assert {short for _name, short in data.DEPARTMENTS[: data.STREET_CHIEF_DEPARTMENTS]} == named
    # So does every class of the other types (the petitions' topics: 民政, 人社, ...).
    assert set(classes.values_list("department", flat=True)) <= short_names


def test_routing_finds_a_department_for_every_class(seeded):
    grid = Place.objects.get(code="450403001001001")
    classes = CaseCategory.objects.filter(parent__isnull=False).exclude(department="")
    assert classes.count() >= 40
    for category in classes:
        suggestion = suggest_assignee(Case(category=category, place_path=grid.path))
        assert suggestion is not None, category.name_zh
        assert suggestion.organisation.short_name == category.department


def test_seeding_again_fixes_a_former_short_name(seeded):
    market = Organisation.objects.get(name="万秀区市场监督管理局")
    Organisation.objects.filter(pk=market.pk).update(short_name="市监")
    Team.objects.filter(name="城东街道市场监督队").update(name="城东街道市监队")
    teams = Team.objects.count()
    seed()
    market.refresh_from_db()
    assert market.short_name == "市场监督"
    assert Team.objects.filter(name="城东街道市场监督队", organisation=market).exists()
    assert not Team.objects.filter(name="城东街道市监队").exists()
    assert Team.objects.count() == teams
    assert Organisation.objects.filter(name="万秀区市场监督管理局").count() == 1


def check_cases_of_every_department_reach_it():
    # The grid's cases: a petition sent back as not theirs goes on to another department.
    dispatched = Counter(
        Case.objects.grid_management()
        .filter(assigned_organisation__isnull=False, category__isnull=False)
        .exclude(category__department="")
        .values_list("category__department", "assigned_organisation__short_name")
    )
    assert ("市场监督", "市场监督") in dispatched
    assert all(department == short for department, short in dispatched)


# -- ratings ------------------------------------------------------------------------------------


def check_residents_file_reports_and_hotline_callers_do_not_log_in():
    resident = Case.objects.filter(channel=Case.Channel.RESIDENT)
    assert resident.count() > CASES * 0.1
    assert resident.filter(submitted_by__role_assignments__role="resident").exists()
    assert resident.filter(submitted_by__phone=RESIDENT_PHONE).count() >= 3
    hotline = Case.objects.filter(channel=Case.Channel.HOTLINE)
    assert hotline.exists()
    assert not hotline.filter(submitted_by__isnull=False).exists()
    assert not hotline.filter(reporter_phone="").exists()


def check_ratings_are_by_reporters_of_closed_cases_after_closure():
    ratings = list(CaseRating.objects.select_related("case__reporter"))
    assert len(ratings) >= 10
    for rating in ratings:
        case = rating.case
        assert case.status == Status.CLOSED
        # The requester: who filed it, or the resident staff filed it for (a counter visit), or
        # the family acting for the elder it was filed for (a care order).
        requester = {case.submitted_by_id, getattr(case.reporter, "user_id", None)}
        requester |= set(
            FamilyLink.objects.filter(elder__person_id=case.reporter_id).values_list(
                "user_id", flat=True
            )
        )
        assert rating.rater_id in requester
        assert 1 <= rating.score <= 5
        assert case.closed_at < rating.created_at < NOW
        assert len(rating.comment) <= 500
        # Through case_rate: the timeline has the rating, at the same moment.
        event = CaseEvent.objects.get(case=case, action="rate")
        assert event.created_at == rating.created_at
        assert event.data == {"score": rating.score}
    scores = Counter(r.score for r in ratings)
    assert scores[5] + scores[4] > len(ratings) * 0.6
    assert any(r.comment for r in ratings)
    assert any("\u4e00" <= ch <= "\u9fff" for r in ratings for ch in r.comment)
    assert CaseRating.objects.filter(rater__phone=RESIDENT_PHONE).exists()


# -- patrols ------------------------------------------------------------------------------------


def check_the_demo_grid_worker_patrols_an_hour_on_most_days():
    with time_machine.travel(NOW, tick=False):
        from meihao.people.models import User

        worker = User.objects.get(phone=GRID_WORKER_PHONE)
        days = my_patrol_days(worker)
    assert len(days) == 14
    patrolled = [d for d in days if d.minutes > 0]
    assert len(patrolled) >= 10
    assert sum(d.met for d in days) >= 9  # most days an hour or more
    assert ObligationTally.objects.filter(duty=DUTY, subject_id=worker.pk).count() >= 10
    sessions = PatrolSession.objects.filter(worker=worker)
    assert not sessions.filter(status=PatrolSession.Status.ACTIVE).exists()
    assert sessions.filter(started_at__gte=NOW - datetime.timedelta(days=14)).count() >= 10
    assert sessions.filter(started_at__lt=NOW - datetime.timedelta(days=14)).count() == 0


def patrol_days():
    """(worker id, day, seconds) of every `patrol` tally, in order."""
    return list(
        ObligationTally.objects.filter(duty=DUTY)
        .order_by("subject_id", "starts_on")
        .values_list("subject_id", "starts_on", "amount")
    )


def check_all_patrol_workers_have_short_and_missed_days_too():
    days = patrol_days()
    # Grid 1 has two grid workers (the demo log-in and a colleague): every one of them walks.
    assert len({w for w, _d, _s in days}) == PATROL_GRIDS + 1
    met = [s for _w, _d, s in days if s >= 3600]
    short = [s for _w, _d, s in days if 0 < s < 3600]
    assert len(met) > len(days) * 0.6
    assert short  # some short days
    assert len(days) < (PATROL_GRIDS + 1) * 14  # and a few missed ones
    # The years' days met are what the tallies say, day by day through the services.
    met_by_year = Counter((w, d.year) for w, d, s in days if s >= DUTY_SECONDS)
    years = ObligationYear.objects.filter(duty=DUTY).values_list(
        "subject_id", "year", "periods_met"
    )
    assert {(w, y): n for w, y, n in years if n} == met_by_year


def check_tracks_walk_inside_the_grid_every_30_seconds():
    sessions = PatrolSession.objects.select_related("grid")
    assert sessions.exists()
    for session in sessions:
        outline = shape(session.grid.boundary)
        points = list(session.points.order_by("recorded_at"))
        assert session.point_count == len(points) > 0
        assert all(outline.contains(Point(p.lon, p.lat)) for p in points)
        assert session.started_at <= points[0].recorded_at
        assert points[-1].recorded_at <= session.ended_at
        steps = list(zip(points, points[1:], strict=False))
        gaps = [(b.recorded_at - a.recorded_at).total_seconds() for a, b in steps]
        assert 25 <= sorted(gaps)[len(gaps) // 2] <= 35
        lengths = [haversine_m(a.lat, a.lon, b.lat, b.lon) for a, b in steps]
        # Walking speed: the 30 km/h noise filter drops no step, so the distance is the track.
        assert all(m / g < MAX_SPEED_M_S for m, g in zip(lengths, gaps, strict=True))
        assert session.distance_m == round(sum(lengths))
        assert 0.2 < session.distance_m / session.duration_s < 1.5  # m/s, pauses included
        # Received when the phone sent them, never before they were recorded.
        assert all(p.received_at >= p.recorded_at for p in points)


def test_history_cases_ratings_and_patrols(seeded):
    # One seed, several checks: filing the cases through the services takes seconds.
    check_cases_of_every_department_reach_it()
    check_residents_file_reports_and_hotline_callers_do_not_log_in()
    check_ratings_are_by_reporters_of_closed_cases_after_closure()
    check_the_demo_grid_worker_patrols_an_hour_on_most_days()
    check_all_patrol_workers_have_short_and_missed_days_too()
    check_tracks_walk_inside_the_grid_every_30_seconds()


def test_scale_sets_the_number_of_patrolled_grids():
    assert patrol_grids_for_scale(1) == 10
    assert patrol_grids_for_scale(0.5) == 5
    assert patrol_grids_for_scale(30) == 10
    assert patrol_grids_for_scale(0.05) == 1  # the demo grid worker's own grid


# -- idempotency --------------------------------------------------------------------------------


def test_a_second_run_adds_nothing(seeded):
    before = row_counts()
    assert before["ratings"] > 0 and before["patrols"] > 0 and before["track points"] > 0
    days = patrol_days()
    output = seed()
    assert row_counts() == before
    assert "0 rows added" in output
    assert patrol_days() == days
    assert TrackPoint.objects.count() == before["track points"]
