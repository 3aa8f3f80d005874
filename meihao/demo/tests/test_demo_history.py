"""The demo's history beyond the cases: department short names that routing finds, the reporters'
ratings of their closed cases, and two weeks of grid-worker patrols — all idempotent."""

import csv
import datetime
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from shapely.geometry import Point, shape

from meihao.cases.models import Case, CaseCategory, CaseEvent, CaseRating, Status
from meihao.cases.routing import suggest_assignee
from meihao.core.models import ObligationTally, ObligationYear
from meihao.demo import data
from meihao.demo.accounts import DEMO_PASSWORD, PERSONAS
from meihao.demo.loader import row_counts
from meihao.demo.patrols import patrol_grids_for_scale
from meihao.eldercare.models import FamilyLink
from meihao.insights.registry import REGISTRY, Span
from meihao.patrols.models import DUTY, DUTY_SECONDS, PatrolSession, TrackPoint
from meihao.patrols.selectors import my_patrol_days
from meihao.patrols.services import MAX_SPEED_M_S
from meihao.people.models import Organisation, Team, TeamMember
from meihao.places.geo import haversine_m
from meihao.places.models import Place, Venue

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


# -- the article's figures, through the API (docs/article-figures.csv) ---------------------------
# The CSV's periods are days of this module's pinned `NOW` (20 November 2024): the demo dates its
# records relative to the day it is seeded.

ARTICLE_FIGURES = settings.BASE_DIR / "docs" / "article-figures.csv"
COLUMNS = ["figure", "article_value", "indicator", "place", "start", "end"]
DISTRICT_ADMIN = "13900000006"
# The figures the demo is built to match exactly at any scale, keyed by the CSV's figure.
EXACT = {
    "承责团队分片承责5个街道": 5,
    "分片承责5个街道30个社区": 30,
    "联合32个单位组成5个承责团队": 5,
    "将大中路、建设路法院里、和平路等5条街道串联起来": 5,
    "设置10条国旗街": 10,
    "打造了涵盖“精神丰碑”“光辉历程”等6个红色文化街区": 6,
    "打造红色教育阵地（红色文化点位）": 30,
    "改造建设92个居民群众文体娱乐点": 92,
    "在30个社区建立“智慧社区”服务平台": 30,
    "18名处级党员领导干部带队": 18,
    "带队联合32个单位": 32,
    "推动五大片区棚改": 5,
    "统筹城管、公安、消防、交警、市场监督、环卫6支队伍下沉一线": 6,
    "打造1个骑楼城“红袖章”驿站": 1,
    "打造2个社区心灵驿站": 2,
    "实行“四队一中心”警务运作机制": 4,
    "组建民情联络、爱心义诊、敬老服务等6支志愿服务小分队": 6,
    "将民政、卫健、司法、公安等7个职能部门信息资源整合到平台": 7,
}
# Those the article gives as "more than" (多) and the demo has more of at any scale.
MORE_THAN = {"30多支宣讲队伍": 30}


def article_rows() -> list[dict]:
    with ARTICLE_FIGURES.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_every_article_figure_is_a_registered_indicator_of_a_demo_place(seeded, client):
    rows = article_rows()
    assert len(rows) >= 55
    assert set(EXACT) | set(MORE_THAN) <= {row["figure"] for row in rows}
    codes = set(Place.objects.values_list("code", flat=True))
    assert client.login(username=DISTRICT_ADMIN, password=DEMO_PASSWORD)
    values, problems = {}, []
    for row in rows:
        assert row["indicator"] in REGISTRY, row
        assert row["place"] in codes, row
        assert float(row["article_value"]) > 0, row
        first = datetime.date.fromisoformat(row["start"])
        assert first <= datetime.date.fromisoformat(row["end"]), row
        response = client.get(
            f"/api/v1/indicators/{row['indicator']}",
            {"place": row["place"], "start": row["start"], "end": row["end"]},
        )
        if response.status_code != 200:
            problems.append((row["figure"], response.status_code, response.content[:200]))
            continue
        body = response.json()
        assert (body["start"], body["end"], body["place"]) == (
            row["start"],
            row["end"],
            row["place"],
        )
        value = body["value"]
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append((row["figure"], row["indicator"], value))
        values[row["figure"]] = value
    assert not problems, (problems, values)
    assert {figure: values[figure] for figure in EXACT} == EXACT, values
    assert all(values[figure] > least for figure, least in MORE_THAN.items()), values


END = datetime.date(2024, 11, 20)
YEAR = (datetime.date(2023, 11, 21), END)
SINCE_2022 = (datetime.date(2021, 11, 21), END)


def _closed_in(first: datetime.date, last: datetime.date, prefix: str = "case__") -> dict:
    span = Span.of("450403/", first, last)
    return {
        f"{prefix}status": Status.CLOSED,
        f"{prefix}closed_at__gte": span.start,
        f"{prefix}closed_at__lt": span.end,
    }


def _counted_from_the_records(code: str) -> tuple[tuple, int]:
    """The period of a new indicator's check and what the demo's records say it counts."""
    from meihao.activities.models import Activity
    from meihao.catalogue.models import ServiceItem
    from meihao.dual.models import MemberRegistration, PostClaim
    from meihao.projects.models import Project
    from meihao.timebank.models import HelpRequest
    from meihao.volunteers.models import AllianceUnit, VolunteerProfile
    from meihao.wishes.models import Wish

    if code == "registered_volunteers":
        registered = VolunteerProfile.objects.filter(
            status="active", registered_at__lt=Span.of("450403/", END, END).end
        )
        return (END, END), registered.count()
    if code == "volunteer_teams":
        return (END, END), Team.objects.filter(kind=Team.Kind.VOLUNTEER).count()
    if code == "alliance_units":
        return (END, END), AllianceUnit.objects.filter(joined_on__lte=END).count()
    if code == "volunteer_projects":
        span = Span.of("450403/", *YEAR)
        held = Activity.objects.filter(
            kind="volunteer_service",
            starts_at__gte=span.start,
            starts_at__lt=span.end,
            status__in=["published", "finished"],
        )
        return YEAR, held.count()
    if code == "dual_members_registered":
        return (END, END), MemberRegistration.objects.filter(year=2024).count()
    if code == "dual_posts_claimed":
        span = Span.of("450403/", *YEAR)
        claims = PostClaim.objects.filter(claimed_at__gte=span.start, claimed_at__lt=span.end)
        return YEAR, claims.exclude(status="cancelled").count()
    if code == "timebank_services":
        return SINCE_2022, HelpRequest.objects.filter(
            kind="help", **_closed_in(*SINCE_2022)
        ).count()
    if code == "timebank_beneficiaries":
        withdrawals = HelpRequest.objects.filter(kind="withdrawal", **_closed_in(*SINCE_2022))
        return SINCE_2022, len(set(withdrawals.values_list("requester_id", flat=True)))
    if code == "wishes_fulfilled":
        return YEAR, Wish.objects.filter(**_closed_in(*YEAR)).count()
    if code == "streets":
        return (END, END), Place.objects.filter(level="street").count()
    if code == "communities":
        return (END, END), Place.objects.filter(level="community").count()
    if code in TEAM_KINDS:
        return (END, END), Team.objects.filter(kind=TEAM_KINDS[code]).count()
    if code == "responsibility_team_leaders":
        leaders = TeamMember.objects.filter(
            team__kind=Team.Kind.RESPONSIBILITY,
            position__in=[TeamMember.Position.LEADER, TeamMember.Position.DEPUTY],
        )
        return (END, END), leaders.count()
    if code == "responsibility_team_units":
        units = Team.units.through.objects.filter(team__kind=Team.Kind.RESPONSIBILITY)
        return (END, END), units.count()
    if code == "projects_started":
        return (END, END), Project.objects.filter(starts_on__lte=END).count()
    if code == "service_departments":
        items = ServiceItem.objects.filter(is_active=True)
        return (END, END), len(set(items.values_list("department", flat=True)))
    if code == "counselling_rooms":
        return (END, END), Venue.objects.filter(kind=Venue.Kind.COUNSELLING).count()
    raise AssertionError(code)


# The teams' standing counts (people.indicators), each its kind's teams.
TEAM_KINDS = {
    "responsibility_teams": Team.Kind.RESPONSIBILITY,
    "department_teams": Team.Kind.DEPARTMENT,
    "lecture_teams": Team.Kind.LECTURE,
    "service_squads": Team.Kind.SERVICE_SQUAD,
    "red_armband_stations": Team.Kind.RED_ARMBAND,
    "police_teams": Team.Kind.POLICE_TEAM,
}


@pytest.mark.parametrize(
    "code",
    [
        "registered_volunteers",
        "volunteer_teams",
        "alliance_units",
        "volunteer_projects",
        "dual_members_registered",
        "dual_posts_claimed",
        "timebank_services",
        "timebank_beneficiaries",
        "wishes_fulfilled",
        "streets",
        "communities",
        "responsibility_teams",
        "responsibility_team_leaders",
        "responsibility_team_units",
        "projects_started",
        "department_teams",
        "lecture_teams",
        "service_squads",
        "red_armband_stations",
        "police_teams",
        "service_departments",
        "counselling_rooms",
    ],
)
def test_the_article_figures_new_indicators_count_what_their_records_say(seeded, client, code):
    (first, last), expected = _counted_from_the_records(code)
    # The demo has records to count (it closes no withdrawal of banked minutes yet).
    assert expected > 0 or code == "timebank_beneficiaries"
    indicator = REGISTRY[code]
    span = Span.of("450403/", first, last)
    assert indicator.measure(span).value == expected == indicator.records(span).count()
    # Its page lists them, each linked to its own page.
    assert client.login(username=DISTRICT_ADMIN, password=DEMO_PASSWORD)
    page = client.get(
        f"/insights/indicators/{code}/",
        {"place": "450403", "start": first.isoformat(), "end": last.isoformat()},
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == min(expected, 25)
    assert indicator.link is None or all(row["link"] for row in rows)
