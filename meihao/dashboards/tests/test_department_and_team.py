"""A department head's and a volunteer-team leader's dashboards: their figures narrowed to their
department or team, ranked among their peers, each linking to the records it counted, which
they may read and no one else's."""

import datetime

import pytest
import time_machine

from meihao.activities.models import Activity
from meihao.activities.tests.helpers import SHANGHAI, attended, held
from meihao.dashboards import selectors
from meihao.insights import figures
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.tests.conftest import build_month, local
from meihao.people.models import Organisation, Team, TeamMember
from meihao.web.menu import menu

pytestmark = pytest.mark.django_db

MAY = (datetime.date(2024, 5, 1), datetime.date(2024, 5, 31))


@pytest.fixture
def in_may():
    with time_machine.travel(local(2024, 5, 31, 15, 0), tick=False):
        yield


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


@pytest.fixture
def housing(personas):
    """A second department of the district, with no case of May."""
    district = personas.tree.district
    return Organisation.objects.create(
        name="万秀区住房和城乡建设局",
        kind=Organisation.Kind.DEPARTMENT,
        place=district,
        place_path=district.path,
    )


def test_a_department_sees_its_own_cases_ranked_among_the_departments(
    client, personas, housing, in_may
):
    build_month(personas)
    department = personas.department
    response = get(client, personas.department_staff, "/dashboard/")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.board.key == "department"
    assert board.subject.name == department.name
    assert board.heatmap is None  # a place's board only
    tiles = {tile.indicator.code: tile for tile in board.tiles}
    span = Span.of(personas.tree.district.path, *MAY, department=department.pk)
    for code, tile in tiles.items():
        assert tile.measure == figures.measure(REGISTRY[code], span), code
    # c1, c2 and c5 were dispatched to 城管; all three were filed in May.
    assert tiles["cases_dispatched"].measure.value == 3
    assert (tiles["cases_dispatched"].rank, tiles["cases_dispatched"].peers) == (1, 2)
    # Of them c5, dispatched on 20 May and never reported back, is overdue now.
    assert tiles["cases_overdue_now"].measure.value == 1
    assert [row["name"] for row in board.ranking["rows"]] == [
        department.name,
        housing.name,
    ]
    # The whole district's figure is not the department's: c6 was never dispatched.
    whole = Span.of(personas.tree.district.path, *MAY)
    assert figures.measure(REGISTRY["cases_reported"], whole).value > 3
    # c5 was dispatched on 20 May and never reported back: it is late in the queue.
    overdue = next(item for item in board.attention if item.key == "queue_overdue")
    assert overdue.count == 1 and overdue.items[0]["url"].startswith("/cases/")
    # Named as the department's own queue, apart from the tile's wider "overdue now".
    assert overdue.title == "本部门待办超期"

    # The tile links to the records it counted, narrowed to the department, which its staff
    # may open: three cases.
    url = tiles["cases_dispatched"].url
    assert f"department={department.pk}" in url
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 3
    assert department.name in page.content.decode()


def test_a_department_reads_no_other_department_and_no_place(client, personas, housing, in_may):
    build_month(personas)
    staff = personas.department_staff
    base = "/insights/indicators/cases_dispatched/"
    assert get(client, staff, f"{base}?department={housing.pk}").status_code == 404
    assert get(client, staff, f"{base}?department=999999").status_code == 404
    refused = get(client, staff, f"{base}?department=abc")
    assert refused.status_code == 400
    assert "没有这个部门" in refused.content.decode()
    # A figure that does not answer for a department is refused in words, not ignored.
    refused = get(client, staff, "/insights/indicators/service_hours/?department=1")
    assert refused.status_code == 400
    # Not narrowed, the figure is read through place roles, which a department has none of.
    assert get(client, staff, base).status_code == 404
    api = get(client, staff, f"/api/v1/indicators/cases_dispatched?department={housing.pk}")
    assert api.status_code == 404
    # The district's leader may read any department's.
    admin = get(client, personas.district_admin, f"{base}?department={housing.pk}")
    assert admin.status_code == 200


@pytest.fixture
def teams(personas):
    """Community A's volunteer team under a street alliance, a sibling team, and volunteer A
    leading the first."""
    t = personas.tree
    street = Team.objects.create(
        name="城东街道志愿者联盟",
        kind=Team.Kind.VOLUNTEER,
        place=t.street_a,
        place_path=t.street_a.path,
    )
    ours = Team.objects.create(
        name="骑楼社区红棉志愿服务队",
        kind=Team.Kind.VOLUNTEER,
        place=t.community_a,
        place_path=t.community_a.path,
        parent=street,
    )
    theirs = Team.objects.create(
        name="城东社区志愿服务队",
        kind=Team.Kind.VOLUNTEER,
        place=t.community_a,
        place_path=t.community_a.path,
        parent=street,
    )
    TeamMember.objects.create(
        team=ours, person=personas.volunteer_a.person, position=TeamMember.Position.LEADER
    )
    TeamMember.objects.create(team=ours, person=personas.resident_a.person)
    return ours, theirs


def test_a_team_leader_sees_what_the_team_organised(client, personas, teams):
    ours, theirs = teams
    kind = Activity.Kind.VOLUNTEER_SERVICE
    cleanup = held(personas, kind, 3, organiser_team=ours)
    attended(personas, cleanup, personas.resident_a.person, 90)
    attended(personas, cleanup, personas.volunteer_a.person, 90)
    other = held(personas, kind, 4, organiser_team=theirs)
    attended(personas, other, personas.resident_b.person, 600)
    # Next week: 1 of 4 places taken.
    soon = held(
        personas, kind, 20, status=Activity.Status.PUBLISHED, organiser_team=ours, capacity=4
    )
    soon.signups.create(person=personas.resident_a.person, status="confirmed")

    with time_machine.travel(datetime.datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI), tick=False):
        leader = personas.volunteer_a
        assert "/dashboard/" in [entry.url for entry in menu(leader)]
        response = get(client, leader, "/dashboard/")
        assert response.status_code == 200
        board = response.context["board"]
        assert board.board.key == "team"
        assert board.subject.name == ours.name
        assert board.grade is None and board.funnel is None and board.heatmap is None
        tiles = {tile.indicator.code: tile for tile in board.tiles}
        assert tiles["service_hours"].measure.value == 3.0  # not the other team's 10 h
        assert tiles["active_volunteers"].measure.value == 2
        assert tiles["alliance_members"].measure.value == 2
        # Ranked among the street alliance's teams: the other team served more.
        assert (tiles["service_hours"].rank, tiles["service_hours"].peers) == (2, 2)
        short = next(item for item in board.attention if item.key == "activities_short")
        assert short.count == 1
        assert "1" in short.items[0]["detail"] and "4" in short.items[0]["detail"]

        # The records behind the hours, narrowed to the team, open to its leader.
        page = client.get(tiles["service_hours"].url)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == 2
        # The people who served for the team, each with their minutes served for it.
        page = client.get(tiles["active_volunteers"].url)
        assert page.status_code == 200
        assert [p.span_minutes for p in page.context["page"]] == [90, 90]
        # Another team's are not theirs to read.
        other_url = f"/insights/indicators/service_hours/?team={theirs.pk}"
        assert client.get(other_url).status_code == 404


def test_no_dashboard_for_a_member_who_leads_nothing(client, personas, teams):
    member = personas.resident_a
    assert "/dashboard/" not in [entry.url for entry in menu(member)]
    assert get(client, member, "/dashboard/").status_code == 404
    ours, _theirs = teams
    assert get(client, member, f"/dashboard/?board=team&unit={ours.pk}").status_code == 404
    assert selectors.boards_of(member) == []
