"""The red-culture map's writes: only the district's officials keep it, whatever is marked
lies inside the district (refused with a message, nothing written), a route's stops are
published sites once each and in order; guided visits are published activities of the route,
and the figures count them and their check-ins."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meihao.activities.attendance import activity_finish, checkin_by_staff
from meihao.activities.models import Activity
from meihao.activities.services import signup_create
from meihao.core.audit import AuditEvent
from meihao.core.errors import NotFound, ValidationFailed
from meihao.insights.registry import REGISTRY, Span
from meihao.places.geo import haversine_m
from meihao.redculture import selectors, services
from meihao.redculture.models import Block, FlagStreet, Route, RouteStop, RouteVisit, Site
from meihao.redculture.testing import square

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _counts():
    return [m.objects.count() for m in (Site, Block, FlagStreet, Route, RouteStop, RouteVisit)]


def test_a_site_lies_in_the_deepest_place_holding_it(red_map, personas):
    assert red_map.memorial.place == personas.tree.community_a
    assert red_map.memorial.place_path == personas.tree.community_a.path
    assert red_map.board.place == personas.tree.community_b
    # Inside the district and a street, in no community: the street.
    site = services.site_create(
        actor=red_map.admin, name="城东纪念碑", kind="memorial", lat=23.45, lon=111.25
    )
    assert site.place == personas.tree.street_a
    assert len(site.code) == 8 and not site.published
    assert AuditEvent.objects.filter(action="redculture.site_create").count() == 5


def test_a_site_outside_the_district_is_refused_and_nothing_is_written(red_map):
    before = _counts()
    audits = AuditEvent.objects.count()
    for lat, lon in ((23.1, 111.1), (23.45, 111.45), ("x", 1), (91, 111.2)):
        with pytest.raises(ValidationFailed) as refused:
            services.site_create(
                actor=red_map.admin, name="区外旧址", kind="memorial", lat=lat, lon=lon
            )
        assert refused.value.code in ("outside_district", "invalid_point")
    with pytest.raises(ValidationFailed) as refused:
        services.site_create(actor=red_map.admin, name="区外", kind="memorial", lat=23.1, lon=111.1)
    assert str(refused.value.message) == "该位置在本区范围之外：红色文化点位须位于区内。"
    with pytest.raises(ValidationFailed) as refused:
        services.site_update(
            actor=red_map.admin,
            site=red_map.mural,
            name="搬走的墙",
            kind="mural",
            lat=23.45,
            lon=111.45,
        )
    assert refused.value.code == "outside_district"
    with pytest.raises(ValidationFailed):  # a block reaching out of the district
        services.block_create(actor=red_map.admin, name="越界", boundary=square(111.39, 23.5, 0.05))
    with pytest.raises(ValidationFailed):  # a flag street leaving it
        services.flag_street_create(
            actor=red_map.admin,
            name="越界街",
            line={"type": "LineString", "coordinates": [[111.3, 23.5], [111.5, 23.5]]},
        )
    with pytest.raises(ValidationFailed):
        services.flag_street_create(
            actor=red_map.admin, name="一点", line={"type": "LineString", "coordinates": [[1, 2]]}
        )
    assert _counts() == before and AuditEvent.objects.count() == audits
    red_map.mural.refresh_from_db()
    assert red_map.mural.name == "骑楼城红色记忆墙"


@pytest.mark.parametrize("who", ["resident_a", "outsider", "community_staff_a", "street_chief_a"])
def test_only_the_districts_officials_keep_the_map(red_map, personas, who):
    actor = getattr(personas, who)
    before = _counts()
    with pytest.raises(NotFound):
        services.site_create(actor=actor, name="旧址", kind="memorial", lat=23.405, lon=111.205)
    with pytest.raises(NotFound):
        services.site_update(
            actor=actor, site=red_map.mural, name="改名", kind="mural", lat=23.41, lon=111.215
        )
    with pytest.raises(NotFound):
        services.set_published(actor=actor, record=red_map.draft, published=True)
    with pytest.raises(NotFound):
        services.route_create(actor=actor, name="线路")
    with pytest.raises(NotFound):
        services.route_set_stops(actor=actor, route=red_map.route, sites=[red_map.board])
    assert _counts() == before
    assert not services.keeps_map(actor) and services.keeps_map(red_map.admin)


def test_route_stops_are_published_sites_once_each_in_order(red_map):
    route = services.route_create(actor=red_map.admin, name="光辉历程")
    for sites, code in (
        ([red_map.memorial, red_map.draft], "unpublished_stop"),
        ([red_map.memorial, red_map.mural, red_map.memorial], "duplicate_stop"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.route_set_stops(actor=red_map.admin, route=route, sites=sites)
        assert refused.value.code == code
    assert not route.stops.exists()
    with pytest.raises(ValidationFailed):  # a route of fewer than two stops is not published
        services.set_published(actor=red_map.admin, record=route, published=True)
    services.route_set_stops(
        actor=red_map.admin, route=route, sites=[red_map.board, red_map.memorial, red_map.mural]
    )
    assert [(s.order, s.site_id) for s in route.stops.order_by("order")] == [
        (1, red_map.board.pk),
        (2, red_map.memorial.pk),
        (3, red_map.mural.pk),
    ]
    # The stops of a published route keep it walkable; its sites stay published.
    with pytest.raises(ValidationFailed) as refused:
        services.route_set_stops(actor=red_map.admin, route=red_map.route, sites=[red_map.board])
    assert refused.value.code == "too_short"
    with pytest.raises(ValidationFailed) as refused:
        services.set_published(actor=red_map.admin, record=red_map.mural, published=False)
    assert refused.value.code == "on_a_route"


def test_a_routes_legs_are_the_distances_between_consecutive_stops(red_map):
    legs, total = selectors.route_legs(red_map.route)
    assert [leg.site for leg in legs] == [red_map.memorial, red_map.mural, red_map.board]
    first = haversine_m(23.405, 111.205, 23.41, 111.215)
    second = haversine_m(23.41, 111.215, 23.41, 111.31)
    assert legs[0].metres is None
    assert legs[1].metres == pytest.approx(first) and 1100 < first < 1200
    assert legs[2].metres == pytest.approx(second) and 9600 < second < 9800
    assert total == pytest.approx(first + second)


def test_a_guided_visit_is_a_published_activity_of_the_route_and_is_counted(red_map, personas):
    start = NOW + datetime.timedelta(days=2)
    visit = services.route_visit_schedule(
        actor=red_map.admin,
        route=red_map.route,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=30,
        venue="",
    )
    activity = visit.activity
    assert activity.status == Activity.Status.PUBLISHED
    assert activity.kind == Activity.Kind.CULTURAL_EVENT
    assert activity.place == personas.tree.community_a  # the first stop's
    assert (activity.lat, activity.lon) == (23.405, 111.205)
    assert activity.venue == "中共梧州地委旧址" and "初心之路" in activity.title
    assert "骑楼城红色记忆墙" in activity.description
    assert list(selectors.upcoming_visits(red_map.route)) == [visit]
    signups = [
        signup_create(actor=who, activity=activity)
        for who in (personas.resident_a, personas.resident_b)
    ]
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        for signup in signups:
            checkin_by_staff(actor=red_map.admin, signup=signup)
    with time_machine.travel(start + datetime.timedelta(hours=3), tick=False):
        activity_finish(actor=red_map.admin, activity=activity)
        assert not selectors.upcoming_visits(red_map.route).exists()
    assert selectors.visits_held(red_map.route) == 1
    # A cultural event that is no guided visit is not counted.
    other = Activity.objects.create(
        kind=Activity.Kind.CULTURAL_EVENT,
        title="广场舞",
        place=personas.tree.community_a,
        place_path=personas.tree.community_a.path,
        venue="广场",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        capacity=10,
        status=Activity.Status.FINISHED,
        created_by=red_map.admin,
    )
    assert other.pk
    march = datetime.datetime(2026, 3, 1, tzinfo=ZONE)
    april = datetime.datetime(2026, 4, 1, tzinfo=ZONE)

    def figure(code, place):
        span = Span(place.path, march, april, march.date(), (april - datetime.timedelta(1)).date())
        return REGISTRY[code].measure(span).value

    tree = personas.tree
    assert figure("redculture_route_visits", tree.district) == 1
    assert figure("redculture_route_visits", tree.community_b) == 0
    assert figure("redculture_route_visitors", tree.district) == 2
    assert figure("redculture_route_visitors", tree.street_a) == 2
    assert figure("redculture_sites", tree.district) == 3  # the draft is not counted
    assert figure("redculture_sites", tree.community_a) == 2
    assert figure("redculture_sites", tree.community_b) == 1


def test_a_visit_of_an_unpublished_route_is_refused(red_map):
    route = services.route_create(actor=red_map.admin, name="草稿线路")
    start = NOW + datetime.timedelta(days=2)
    with pytest.raises(ValidationFailed) as refused:
        services.route_visit_schedule(
            actor=red_map.admin,
            route=route,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            capacity=30,
        )
    assert refused.value.code == "not_published"
    assert not Activity.objects.exists()
