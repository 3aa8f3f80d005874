"""Guided visits scheduled by staff (issue 15): the place officials and the leaders of a team
schedule one on its page, reached from the route's page; it is a published cultural event of
the activities app created with its RouteVisit in one transaction; a bad input is a message in
Chinese, a 400 and nothing written; the route's page lists the visits to come with the places
left; the figures count a visit scheduled this way once walkers have checked in."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from meihao.activities.attendance import activity_finish, checkin_by_staff
from meihao.activities.models import Activity, SignUp
from meihao.activities.services import may_organise, signup_create
from meihao.core.audit import AuditEvent
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.insights.registry import REGISTRY, Span
from meihao.people.models import Team, TeamMember
from meihao.redculture import selectors, services
from meihao.redculture.models import Route, RouteStop, RouteVisit

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)
START = datetime.datetime(2026, 3, 7, 9, 0, tzinfo=ZONE)  # a Saturday morning
NEW = reverse("redculture:visit_new")


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


def _post(**changes):
    data = {
        "starts_at": "2026-03-07T09:00",
        "ends_at": "2026-03-07T11:00",
        "capacity": "25",
        "place": "",
        "organiser_team": "",
        "note": "",
        **changes,
    }
    return {name: value for name, value in data.items() if value is not None}


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


# --- the pages ----------------------------------------------------------------------------------


def test_the_route_page_offers_scheduling_to_staff_only(client, red_map, personas, guides):
    route_page = reverse("redculture:route", args=[red_map.route.pk])
    button = f'href="{NEW}?route={red_map.route.pk}"'
    assert button not in client.get(route_page).content.decode()  # anonymous
    for who in ("resident_a", "grid_worker_a", "department_staff"):
        client.force_login(getattr(personas, who))
        assert button not in client.get(route_page).content.decode(), who
    for actor in (personas.community_staff_a, personas.street_chief_a, guides[1]):
        client.force_login(actor)
        html = client.get(route_page).content.decode()
        assert button in html and "安排导览" in html
        form = client.get(f"{NEW}?route={red_map.route.pk}")
        assert form.status_code == 200
        assert re.search(
            rf'<option value="{red_map.route.pk}" selected>初心之路</option>', form.content.decode()
        )


def test_the_page_is_closed_to_residents_and_anonymous_posts(client, red_map, personas):
    before = _written()
    anonymous = client.post(NEW, _post(route=red_map.route.pk))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client.get(NEW).status_code == 302
    for who in ("resident_a", "outsider", "grid_worker_a"):
        client.force_login(getattr(personas, who))
        assert client.get(NEW).status_code == 403, who
        assert client.post(NEW, _post(route=red_map.route.pk)).status_code == 403, who
    assert _written() == before


def test_staff_schedule_a_visit_on_the_page_and_the_route_lists_it(client, red_map, personas):
    client.force_login(personas.community_staff_a)
    response = client.post(NEW, _post(route=red_map.route.pk, note="讲解员：梁老师"))
    route_page = reverse("redculture:route", args=[red_map.route.pk])
    assert response.status_code == 302 and response["Location"] == route_page
    visit = RouteVisit.objects.get()
    assert visit.activity.place == personas.tree.community_a
    assert visit.activity.starts_at == START and visit.activity.capacity == 25
    html = client.get(route_page).content.decode()
    assert "导览已发布，居民现在可以报名。" in html

    client.logout()  # the public sees it: date, meeting point, places left, the way to sign up
    html = client.get(route_page).content.decode()
    item = re.search(
        rf'<li class="list-group-item" data-visit="{visit.activity_id}">(.*?)</li>', html, re.S
    )[1]
    assert "2026-03-07" in item and "09:00–11:00" in item
    assert re.search(r'class="visit-venue">中共梧州地委旧址<', item)
    assert re.search(r'class="visit-places">余 25 个名额<', item)
    assert f'href="{reverse("activities:detail", args=[visit.activity_id])}"' in item
    signup_create(actor=personas.resident_a, activity=visit.activity)
    html = client.get(route_page).content.decode()
    assert re.search(r'class="visit-places">余 24 个名额<', html)


def test_a_full_visit_says_so_and_past_or_cancelled_ones_are_not_listed(client, red_map, personas):
    visit = _schedule(personas.community_staff_a, red_map.route, capacity=1)
    signup_create(actor=personas.resident_a, activity=visit.activity)
    signup_create(actor=personas.resident_b, activity=visit.activity)  # waiting
    route_page = reverse("redculture:route", args=[red_map.route.pk])
    html = client.get(route_page).content.decode()
    assert "名额已满：报名可进入候补" in html
    later = _schedule(
        personas.community_staff_a,
        red_map.route,
        starts_at=START + datetime.timedelta(days=7),
        ends_at=START + datetime.timedelta(days=7, hours=2),
    )
    visits = list(selectors.upcoming_visits(red_map.route))
    assert visits == [visit, later]  # soonest first
    assert [v.places_left for v in visits] == [0, 25]
    Activity.objects.filter(pk=later.activity_id).update(status=Activity.Status.CANCELLED)
    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        html = client.get(route_page).content.decode()
    assert 'id="route-visits-empty"' in html and "data-visit=" not in html


def test_the_route_page_says_so_when_no_visit_is_to_come(client, red_map):
    html = client.get(reverse("redculture:route", args=[red_map.route.pk])).content.decode()
    assert 'id="route-visits-empty"' in html
    assert "data-visit=" not in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"route": "999999"}, "请选择一条已公开的红色线路。"),
        ({"route": "abc"}, "请选择一条已公开的红色线路。"),
        ({"route": ""}, "请选择一条已公开的红色线路。"),
        ({"route": "stopless"}, "这条线路还没有可走的站点：导览至少需要两个站点。"),
        ({"starts_at": "2026-03-01T09:00", "ends_at": "2026-03-02T11:00"}, "导览时间须晚于现在。"),
        ({"starts_at": "明天上午"}, "请填写导览开始的日期和时间。"),
        ({"starts_at": "2026-02-30T09:00"}, "请填写导览开始的日期和时间。"),
        ({"capacity": "0"}, "名额请填写 1 到 200 之间的整数。"),
        ({"capacity": "abc"}, "名额请填写 1 到 200 之间的整数。"),
        ({"capacity": "1.5"}, "名额请填写 1 到 200 之间的整数。"),
        ({"capacity": ""}, "名额请填写 1 到 200 之间的整数。"),
        ({"capacity": "99999999999999999999999"}, None),
        ({"capacity": "1e3"}, "名额请填写 1 到 200 之间的整数。"),
        (
            {"place": "community_b"},
            "请选择您辖区内的地点，或选择由您带领的队伍在线路首站组织导览。",
        ),
        ({"place": "abc"}, "请选择您辖区内的地点，或选择由您带领的队伍在线路首站组织导览。"),
        ({"organiser_team": "-1"}, "请选择您辖区内的队伍或您带领的队伍。"),
    ],
)
def test_a_bad_form_is_drawn_again_with_the_message_and_writes_nothing(
    client, red_map, personas, changes, message
):
    stopless = Route.objects.create(name="空线路", place_path=red_map.route.place_path)
    Route.objects.filter(pk=stopless.pk).update(published=True)
    named = {"stopless": stopless.pk, "community_b": personas.tree.community_b.pk}
    data = _post(**{"route": red_map.route.pk, **changes})
    data = {name: named.get(value, value) for name, value in data.items()}
    client.force_login(personas.community_staff_a)
    before = _written()
    response = client.post(NEW, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="visit-form"' in html
    if message is not None:
        assert escape(message) in html
    assert re.search(r'invalid-feedback d-block">[^<]*[\u4e00-\u9fff]', html)
    assert _written() == before


# --- the figures --------------------------------------------------------------------------------


def test_a_visit_scheduled_on_the_page_counts_once_walkers_check_in(client, red_map, personas):
    client.force_login(personas.community_staff_a)
    assert client.post(NEW, _post(route=red_map.route.pk)).status_code == 302
    activity = RouteVisit.objects.get().activity
    for walker in (personas.resident_a, personas.resident_b, personas.volunteer_a):
        client.force_login(walker)
        response = client.post(reverse("activities:signup", args=[activity.pk]))
        assert response.status_code == 302, walker
    signups = list(SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED))
    assert len(signups) == 3
    staff = personas.community_staff_a
    march = datetime.datetime(2026, 3, 1, tzinfo=ZONE)
    april = datetime.datetime(2026, 4, 1, tzinfo=ZONE)

    def figure(code, place):
        span = Span(place.path, march, april, march.date(), (april - datetime.timedelta(1)).date())
        return REGISTRY[code].measure(span).value

    tree = personas.tree
    assert figure("redculture_route_visits", tree.district) == 0  # not held yet
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        for signup in signups[:2]:  # the third does not come
            checkin_by_staff(actor=staff, signup=signup)
    with time_machine.travel(START + datetime.timedelta(hours=2, minutes=10), tick=False):
        activity_finish(actor=staff, activity=activity)
    assert figure("redculture_route_visits", tree.district) == 1
    assert figure("redculture_route_visits", tree.community_a) == 1
    assert figure("redculture_route_visits", tree.community_b) == 0
    assert figure("redculture_route_visitors", tree.district) == 2
    assert figure("redculture_route_visitors", tree.street_a) == 2
    assert figure("redculture_route_visitors", tree.street_b) == 0
    assert selectors.visits_held(red_map.route) == 1
