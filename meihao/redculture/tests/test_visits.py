"""Guided visits scheduled by staff (issue 15): the place officials and the leaders of a team
schedule one; it is a published cultural event of the activities app created with its
RouteVisit in one transaction; a bad input is a message in Chinese and nothing written."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meihao.activities.models import Activity
from meihao.activities.services import may_organise
from meihao.core.audit import AuditEvent
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.people.models import Team, TeamMember
from meihao.redculture import services
from meihao.redculture.models import Route, RouteStop, RouteVisit

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)
START = datetime.datetime(2026, 3, 7, 9, 0, tzinfo=ZONE)  # a Saturday morning


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def guides(personas):
    """A lecture-and-guide team of community B and its leader, who holds no official role."""
    tree = personas.tree
    team = Team.objects.create(
        name="河东红色讲解队",
        kind=Team.Kind.LECTURE,
        place=tree.community_b,
        place_path=tree.community_b.path,
    )
    leader = make_user(
        "13800000070", "讲解队长", home=tree.grid_b1, roles=[(Role.RESIDENT, tree.grid_b1)]
    )
    TeamMember.objects.create(team=team, person=leader.person, position="leader")
    return team, leader


def _written():
    return (Activity.objects.count(), RouteVisit.objects.count(), AuditEvent.objects.count())


def _schedule(actor, route, **changes):
    fields = {
        "starts_at": START,
        "ends_at": START + datetime.timedelta(hours=2),
        "capacity": 25,
        **changes,
    }
    return services.route_visit_schedule(actor=actor, route=route, **fields)


# --- the service --------------------------------------------------------------------------------


def test_community_staff_schedule_a_visit_at_the_first_stop(red_map, personas):
    staff = personas.community_staff_a
    visit = _schedule(staff, red_map.route, note="讲解员：梁老师。请穿舒适的鞋。")
    activity = visit.activity
    assert visit.route == red_map.route and visit.scheduled_by == staff
    assert activity.kind == Activity.Kind.CULTURAL_EVENT
    assert activity.status == Activity.Status.PUBLISHED
    assert activity.title == "红色线路导览：初心之路"
    assert activity.place == personas.tree.community_a  # the first stop's
    assert activity.place_path == personas.tree.community_a.path
    assert activity.venue == "中共梧州地委旧址"
    assert (activity.lat, activity.lon) == (23.405, 111.205)
    assert activity.capacity == 25 and activity.created_by == staff
    assert activity.starts_at == START
    assert activity.description.startswith("讲解员：梁老师。请穿舒适的鞋。")
    assert "中共梧州地委旧址 → 骑楼城红色记忆墙 → 河东革命历史展板" in activity.description
    assert activity.description.endswith("从地委旧址出发。")
    assert may_organise(staff, activity)
    assert AuditEvent.objects.filter(action="redculture.route_visit").count() == 1
    assert AuditEvent.objects.filter(action="activity.publish", target_id=str(activity.pk)).exists()


def test_an_official_may_count_the_visit_in_another_place_of_their_area(red_map, personas):
    tree = personas.tree
    visit = _schedule(personas.street_chief_a, red_map.route, place=tree.street_a)
    assert visit.activity.place == tree.street_a
    # It still meets at the first stop.
    assert visit.activity.venue == "中共梧州地委旧址"
    assert (visit.activity.lat, visit.activity.lon) == (23.405, 111.205)
    visit = _schedule(personas.district_admin, red_map.route, place=tree.community_b)
    assert visit.activity.place == tree.community_b


def test_a_team_leader_schedules_a_visit_the_team_guides_at_the_first_stop(
    red_map, personas, guides
):
    team, leader = guides
    assert services.schedules_visits(leader)
    before = _written()
    # Without the team, or somewhere else than where the route starts: not theirs to organise.
    for changes in ({}, {"organiser_team": team, "place": personas.tree.community_b}):
        with pytest.raises(ValidationFailed) as refused:
            _schedule(leader, red_map.route, **changes)
        assert refused.value.code == "place_out_of_scope" and refused.value.field == "place"
    assert _written() == before
    visit = _schedule(leader, red_map.route, organiser_team=team)
    assert visit.activity.organiser_team == team
    assert visit.activity.place == personas.tree.community_a
    assert may_organise(leader, visit.activity)  # the team's leader runs the sign-ups
    assert Activity.objects.organised_by(leader).filter(pk=visit.activity_id).exists()


@pytest.mark.parametrize(
    "who", ["resident_a", "outsider", "grid_worker_a", "department_staff", "volunteer_a"]
)
def test_residents_and_other_roles_may_not_schedule_visits(red_map, personas, who):
    actor = getattr(personas, who)
    before = _written()
    assert not services.schedules_visits(actor)
    with pytest.raises(PermissionDenied):
        _schedule(actor, red_map.route)
    assert _written() == before


def test_bad_input_is_refused_in_words_and_nothing_is_written(red_map, personas, guides):
    staff = personas.community_staff_a
    team, _leader = guides
    stopless = Route.objects.create(name="空线路", place_path=red_map.route.place_path)
    Route.objects.filter(pk=stopless.pk).update(published=True)  # around the services
    stopless.refresh_from_db()
    draft = services.route_create(actor=red_map.admin, name="草稿线路")
    before = _written()
    cases = [
        ({"route": None}, "route", "请选择一条已公开的红色线路。"),
        ({"route": draft}, "route", "请选择一条已公开的红色线路。"),
        ({"route": stopless}, "route", "这条线路还没有可走的站点：导览至少需要两个站点。"),
        ({"starts_at": NOW - datetime.timedelta(hours=1)}, "starts_at", "导览时间须晚于现在。"),
        ({"starts_at": NOW}, "starts_at", "导览时间须晚于现在。"),
        ({"starts_at": None}, "starts_at", "请填写导览开始的日期和时间。"),
        ({"starts_at": datetime.datetime(2026, 3, 7, 9)}, "starts_at", None),  # naive
        ({"capacity": 0}, "capacity", "名额请填写 1 到 200 之间的整数。"),
        ({"capacity": -5}, "capacity", None),
        ({"capacity": 201}, "capacity", None),
        ({"capacity": "25"}, "capacity", None),
        ({"capacity": True}, "capacity", None),
        ({"capacity": 2.5}, "capacity", None),
        ({"place": personas.tree.community_b}, "place", None),  # not in her area
        ({"place": personas.tree.grid_a1}, "place", None),  # not a place activities are held in
        ({"organiser_team": team}, "organiser_team", "请选择您辖区内的队伍或您带领的队伍。"),
        ({"note": "长" * 201}, "note", None),
        ({"ends_at": START}, "ends_at", None),  # the end before the start: the activities' word
    ]
    for changes, field, message in cases:
        route = changes.pop("route", red_map.route)
        with pytest.raises(ValidationFailed) as refused:
            _schedule(staff, route, **changes)
        assert refused.value.field == field, changes
        if message is not None:
            assert str(refused.value.message) == message
        assert re.search(r"[\u4e00-\u9fff]", str(refused.value.message)), changes
    assert _written() == before
    # One stop left of a published route (written around the services) is no walk either.
    RouteStop.objects.filter(route=red_map.route, order__gt=1).delete()
    with pytest.raises(ValidationFailed) as refused:
        _schedule(staff, red_map.route)
    assert refused.value.code == "no_stops"
    assert _written() == before


def test_the_activity_and_the_visit_are_written_together(red_map, personas, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(RouteVisit.objects, "create", broken)
    before = _written()
    with pytest.raises(RuntimeError):
        _schedule(personas.community_staff_a, red_map.route)
    assert _written() == before
