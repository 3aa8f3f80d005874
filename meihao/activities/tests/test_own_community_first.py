"""The activities list puts the user's own community first, each group soonest first."""

import re

import pytest

from meihao.activities import selectors
from meihao.activities.tests.helpers import START, WEEK_BEFORE, at, make_activity, minutes
from meihao.places.models import community_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def activities(personas):
    tree = personas.tree
    return {
        "b_soonest": make_activity(
            personas,
            title="河东义诊",
            place=tree.community_b,
            actor=personas.district_admin,
            starts_at=START,
        ),
        "a_later": make_activity(
            personas,
            title="骑楼读书会",
            place=tree.community_a,
            starts_at=START + minutes(60),
            ends_at=START + minutes(180),
        ),
        "a_grid": make_activity(
            personas,
            title="一网格清扫",
            place=tree.grid_a1,
            starts_at=START + minutes(120),
            ends_at=START + minutes(240),
        ),
        "street": make_activity(
            personas,
            title="街道宣讲",
            place=tree.street_a,
            actor=personas.district_admin,
            starts_at=START + minutes(30),
        ),
    }


def _titles(client) -> list[str]:
    html = client.get("/activities/").content.decode()
    return re.findall(r'<span class="fw-semibold text-break">([^<]+)</span>', html)


def test_my_community_first_then_the_others_soonest_first(client, personas, activities):
    client.force_login(personas.volunteer_a)  # lives in grid A1 of community A
    with at(WEEK_BEFORE):
        assert _titles(client) == ["骑楼读书会", "一网格清扫", "河东义诊", "街道宣讲"]
        html = client.get("/activities/").content.decode()
    marked = re.findall(
        r'data-activity="(\d+)"(?:(?!data-activity).)*?data-my-community', html, re.S
    )
    assert marked == [str(activities["a_later"].pk), str(activities["a_grid"].pk)]


def test_community_b_residents_see_theirs_first(client, personas, activities):
    client.force_login(personas.resident_b)
    with at(WEEK_BEFORE):
        assert _titles(client) == ["河东义诊", "街道宣讲", "骑楼读书会", "一网格清扫"]


def test_without_a_home_community_soonest_first(client, personas, activities):
    client.force_login(personas.street_chief_a)  # lives at street level: no one community
    with at(WEEK_BEFORE):
        assert _titles(client) == ["河东义诊", "街道宣讲", "骑楼读书会", "一网格清扫"]
        assert "data-my-community" not in client.get("/activities/").content.decode()


def test_community_path_of_a_place():
    assert community_path("450403/450403001/450403001001/450403001001001/") == (
        "450403/450403001/450403001001/"
    )
    assert community_path("450403/450403001/450403001001/") == "450403/450403001/450403001001/"
    assert community_path("450403/450403001/") == ""
    assert community_path("") == ""


def test_the_selector_orders_in_the_database(personas, activities):
    with at(WEEK_BEFORE):
        ordered = selectors.upcoming_activities(
            personas.volunteer_a, community_path=personas.tree.community_b.path
        )
        assert [a.title for a in ordered] == ["河东义诊", "街道宣讲", "骑楼读书会", "一网格清扫"]
