"""The nearest eligible helpers: order, the circle's edge, who is eligible, and agreement with a
plain scan of every member (property-based)."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meihao.places import nearby as places_nearby
from meihao.places.geo import haversine_m
from meihao.timebank import nearby
from meihao.timebank.models import TimeBankMember
from meihao.timebank.tests.conftest import HOME, offset


def find(personas, **kwargs):
    arguments = {
        "lat": HOME[0],
        "lon": HOME[1],
        "community_path": personas.tree.community_a.path,
        **kwargs,
    }
    return nearby.eligible_helpers(**arguments)


def test_nearest_first_with_distances(personas, member_at):
    far = member_at(600)
    near = member_at(0, 100)
    middle = member_at(-300, 0)
    found = find(personas)
    assert [h.member for h in found] == [near, middle, far]
    assert [round(h.distance_m) for h in found] == [100, 300, 600]
    assert found[0].member.person.user is not None  # loaded for the notification


def test_the_circle_edge_is_exact(personas, member_at, settings):
    settings.TIMEBANK_CIRCLE_METRES = 800
    inside = member_at(799)
    member_at(801)
    member_at(0, -801)
    assert [h.member for h in find(personas)] == [inside]
    assert [h.member for h in find(personas, radius_m=900)][0] == inside
    assert len(find(personas, radius_m=900)) == 3


def test_only_available_members_of_the_community_who_offer_the_help(
    personas, member_at, categories
):
    chat, shopping = categories["陪伴聊天"], categories["代买代办"]
    anything = member_at(100)
    chatter = member_at(200, skills=[chat])
    member_at(50, skills=[shopping])
    member_at(10, available=False)
    # A member of community B is never offered community A's requests.
    member_at(home=personas.tree.grid_b1)
    found = find(personas, category=chat)
    assert [h.member for h in found] == [anything, chatter]
    assert len(find(personas)) == 3  # any kind: the shopper too


def test_the_people_helped_or_paying_are_left_out(personas, member_at):
    first, second = member_at(100), member_at(200)
    found = find(personas, exclude_people={first.person_id})
    assert [h.member for h in found] == [second]


def test_limit_keeps_the_nearest(personas, member_at):
    members = [member_at(50 * i) for i in range(1, 8)]
    assert [h.member for h in find(personas, limit=3)] == members[:3]


def test_near_ties_at_the_cut_are_measured_exactly(personas, member_at, monkeypatch):
    """With no margin, members at almost the same distance around the cut: the exact distance
    decides which are kept, not the database's approximation."""
    monkeypatch.setattr(places_nearby, "MARGIN", 0)
    ring = [member_at(300 * math.cos(a / 10), 300 * math.sin(a / 10)) for a in range(12)]
    found = find(personas, limit=5)
    exact = sorted((haversine_m(HOME[0], HOME[1], m.lat, m.lon), m.pk) for m in ring)[:5]
    assert [h.member.pk for h in found] == [pk for _d, pk in exact]


def brute_force(personas, lat, lon, radius, limit):
    rows = []
    for member in TimeBankMember.objects.filter(available=True):
        if member.community_path != personas.tree.community_a.path:
            continue
        distance = haversine_m(lat, lon, member.lat, member.lon)
        if distance <= radius:
            rows.append((distance, member.pk))
    return [pk for _d, pk in sorted(rows)[:limit]]


@pytest.fixture
def scattered(personas, member_at):
    """Forty members at fixed pseudo-random spots around resident A's home, inside community A
    (whose west edge is 500 m away)."""
    return [
        member_at(((i * 7919) % 1680) - 480, ((i * 104729) % 2000) - 1000, available=i % 9 != 0)
        for i in range(40)
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dx=st.floats(-1500, 1500),
    dy=st.floats(-1500, 1500),
    radius=st.integers(50, 1500),
    limit=st.integers(1, 15),
)
def test_same_answer_as_scanning_every_member(personas, scattered, dx, dy, radius, limit):
    lat, lon = offset(dx, dy)
    found = nearby.eligible_helpers(
        lat=lat,
        lon=lon,
        community_path=personas.tree.community_a.path,
        radius_m=radius,
        limit=limit,
    )
    assert [h.member.pk for h in found] == brute_force(personas, lat, lon, radius, limit)


def test_a_dense_neighbourhood_answers_from_the_first_small_box(
    personas, member_at, django_assert_num_queries
):
    near = [member_at(10 * i) for i in range(1, 6)]  # within 100 m, an eighth of the circle
    member_at(700)
    with django_assert_num_queries(2):  # the small box, then loading the members found
        found = find(personas, limit=5)
    assert [h.member for h in found] == near
