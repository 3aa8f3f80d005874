"""Responsibility projects: who sees them (team and the place's officials; 404 otherwise),
households' progress recorded in order with days and officers, milestones, the front-line log,
the chart and the figures moving with the records."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meihao.core.errors import IllegalTransition, ValidationFailed
from meihao.insights.registry import REGISTRY, Span
from meihao.projects import selectors, services
from meihao.projects.models import FrontLineEntry, Household, HouseholdStep, Project
from meihao.projects.testing import make_project

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, 0), tick=False):
        yield


def _first(project) -> Household:
    return project.households.order_by("pk").first()


def test_the_team_and_the_places_officials_see_it_and_nobody_else(client, project, personas):
    for user in (project.officer, personas.community_staff_a, personas.street_chief_a):
        assert project in Project.objects.visible_to(user), user
    for name in ("grid_worker_b", "resident_a", "outsider", "department_staff"):
        user = getattr(personas, name)
        assert project not in Project.objects.visible_to(user), name
        client.force_login(user)
        assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404
        household = _first(project)
        response = client.post(
            reverse("projects:household_step", args=[household.pk]),
            {"step": "signed", "on": "2026-02-01"},
        )
        assert response.status_code == 404
        household.refresh_from_db()
        assert household.status == Household.Status.IN_SCOPE


def test_steps_go_in_order_with_their_days_and_officer(project):
    household = _first(project)
    signed = services.household_step(
        actor=project.officer, household=household, step="signed", on="2026-02-10"
    )
    assert signed.status == "signed" and signed.visited_on == signed.signed_on == TODAY.replace(
        month=2, day=10
    )
    with pytest.raises(IllegalTransition):
        services.household_step(
            actor=project.officer, household=household, step="visited", on="2026-02-11"
        )
    with pytest.raises(ValidationFailed):  # moving out before signing
        services.household_step(
            actor=project.officer, household=household, step="relocated", on="2026-02-09"
        )
    services.household_step(
        actor=project.officer, household=household, step="relocated", on="2026-02-20"
    )
    steps = list(
        HouseholdStep.objects.filter(household=household)
        .order_by("on", "pk")
        .values_list("step", "officer__name")
    )
    assert steps == [("signed", "项目专员"), ("relocated", "项目专员")]


@pytest.mark.parametrize(
    ("step", "on"),
    [
        ("signed", "2026-03-02"),
        ("signed", "2025-12-31"),
        ("signed", "garbage"),
        ("boss", "2026-02-01"),
        ("", ""),
    ],
)
def test_bad_steps_are_refused_and_change_nothing(client, project, step, on):
    client.force_login(project.officer)
    household = _first(project)
    url = reverse("projects:households", args=[project.pk])
    response = client.post(
        reverse("projects:household_step", args=[household.pk]),
        {"step": step, "on": on, "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    household.refresh_from_db()
    assert household.status == "in_scope" and not HouseholdStep.objects.exists()
    page = client.get(url).content.decode()
    assert "alert" in page


def test_recording_on_the_phone_list_moves_the_chart(client, project):
    client.force_login(project.officer)
    url = reverse("projects:households", args=[project.pk])
    for household in project.households.order_by("pk")[:3]:
        client.post(
            reverse("projects:household_step", args=[household.pk]),
            {"step": "signed", "on": "2026-02-28", "next": url},
        )
    chart = selectors.chart(project)
    assert chart["days"][0] == "2026-01-05" and chart["days"][-1] == "2026-03-01"
    assert chart["signed"][-1] == 3 and chart["signed"][-3] == 0 and chart["relocated"][-1] == 0
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="signed">3<' in page and "project-chart-data" in page
    listing = client.get(url, {"status": "signed"}).content.decode()
    assert listing.count('data-status="signed"') == 3


def test_milestones_and_the_front_line_log(client, project):
    client.force_login(project.officer)
    milestone = project.milestones.get()
    client.post(
        reverse("projects:milestone_reach", args=[project.pk]),
        {"milestone": milestone.pk, "on": "2026-02-20"},
    )
    milestone.refresh_from_db()
    assert milestone.reached_on == datetime.date(2026, 2, 20)
    assert (
        client.post(
            reverse("projects:milestone_reach", args=[project.pk]), {"milestone": "x"}
        ).status_code
        == 404
    )
    response = client.post(
        reverse("projects:front_line", args=[project.pk]),
        {
            "kind": "problems",
            "on": "2026-03-01",
            "text": "<script>alert(1)</script>协调解决了3户的补偿争议",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert(1)" not in page
    assert "用时 46 天" in page
    refused = client.post(
        reverse("projects:front_line", args=[project.pk]),
        {"kind": "problems", "on": "2026-03-01", "text": " "},
    )
    assert refused.status_code == 400 and FrontLineEntry.objects.count() == 1


def _span(place, first, last):
    from django.utils import timezone

    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    )
    return Span(place_path=place.path, start=start, end=end, first_day=first, last_day=last)


def test_the_figures_are_what_the_households_and_milestones_say(project, personas):
    households = list(project.households.order_by("pk"))
    for household in households[:3]:
        services.household_step(
            actor=project.officer, household=household, step="signed", on="2026-02-01"
        )
    services.household_step(
        actor=project.officer, household=households[0], step="relocated", on="2026-02-15"
    )
    services.milestone_reach(
        actor=project.officer, milestone=project.milestones.get(), on="2026-02-24"
    )
    span = _span(personas.tree.street_a, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert REGISTRY["project_households_signed"].measure(span).value == 3
    assert REGISTRY["project_households_relocated"].measure(span).value == 1
    days = REGISTRY["project_milestone_days"].measure(span)
    assert (days.value, days.denominator) == (50, 1)
    elsewhere = _span(
        personas.tree.street_b, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    )
    assert REGISTRY["project_households_signed"].measure(elsewhere).value == 0


def test_a_problem_on_site_is_raised_as_a_grid_case(client, project, personas):
    from meihao.cases.models import Case

    client.force_login(project.officer)
    refused = client.post(
        reverse("projects:problem", args=[project.pk]), {"category": "9999", "description": "x"}
    )
    assert refused.status_code == 400 and not Case.objects.exists()
    response = client.post(
        reverse("projects:problem", args=[project.pk]),
        {"category": "0105", "description": "拆迁后巷口堆放建筑垃圾"},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "project" and case.place == personas.tree.community_a
    assert project.problems.get().case == case
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert case.number in page and f"{case.number}</a> · {case.category.display_name}" in page
    client.force_login(personas.resident_b)
    outsider = client.post(
        reverse("projects:problem", args=[project.pk]), {"category": "0105", "description": "x"}
    )
    assert outsider.status_code == 404 and Case.objects.count() == 1


def test_the_teams_leaders_units_and_projects_stand_as_of_the_periods_end(project, personas):
    from meihao.core.testing import make_user
    from meihao.people.models import Organisation, Team, TeamMember

    tree, team = personas.tree, project.team
    cadres = [
        make_user(f"1380000009{n}", name, home=tree.grid_a1).person
        for n, name in enumerate(("领导甲", "领导乙", "领导丙"))
    ]
    for person, position, joined in zip(
        cadres,
        (TeamMember.Position.LEADER, TeamMember.Position.DEPUTY, TeamMember.Position.DEPUTY),
        (datetime.date(2026, 1, 5), datetime.date(2026, 3, 1), datetime.date(2026, 3, 10)),
        strict=True,
    ):
        TeamMember.objects.create(team=team, person=person, position=position, joined_on=joined)
    units = [
        Organisation.objects.create(
            name=name,
            kind=Organisation.Kind.UNIT,
            place=tree.district,
            place_path=tree.district.path,
        )
        for name in ("万秀区财政局", "万秀区教育局", "万秀区商务局")
    ]
    team.units.add(*units[:2])
    elsewhere = Team.objects.create(
        name="城南片区承责团队",
        kind=Team.Kind.RESPONSIBILITY,
        place=tree.street_b,
        place_path=tree.street_b.path,
    )
    elsewhere.units.add(units[2])
    today = datetime.date(2026, 3, 1)

    def value(code, place, day=today):
        return REGISTRY[code].measure(_span(place, day, day)).value

    # The leader and the deputy on the team by the day, not the officer serving on site nor the
    # deputy who joins later; teams based in the district, none in a street.
    assert value("responsibility_team_leaders", tree.district) == 2
    assert value("responsibility_team_leaders", tree.district, datetime.date(2026, 3, 10)) == 3
    assert value("responsibility_team_leaders", tree.street_a) == 0
    leaders = REGISTRY["responsibility_team_leaders"]
    records = list(leaders.records(_span(tree.district, today, today)))
    assert [(m.person.real_name, m.position) for m in records] == [
        ("领导甲", TeamMember.Position.LEADER),
        ("领导乙", TeamMember.Position.DEPUTY),
    ]
    assert leaders.link(records[0]) == reverse("projects:team", args=[team.pk])
    # Each team's units; no team stood before it was formed.
    assert value("responsibility_team_units", tree.district) == 3
    assert value("responsibility_team_units", tree.street_b) == 1
    assert value("responsibility_team_units", tree.district, datetime.date(2026, 2, 28)) == 0
    unit_records = REGISTRY["responsibility_team_units"].records(_span(tree.street_b, today, today))
    assert [(u.organisation.name, u.team.name) for u in unit_records] == [
        ("万秀区商务局", "城南片区承责团队")
    ]
    # The project lies in community A and started on 5 January.
    assert value("projects_started", tree.street_a) == 1
    assert value("projects_started", tree.street_b) == 0
    assert value("projects_started", tree.district, datetime.date(2026, 1, 4)) == 0
    started = REGISTRY["projects_started"]
    assert [started.link(p) for p in started.records(_span(tree.district, today, today))] == [
        reverse("projects:detail", args=[project.pk])
    ]
