"""A cancelled activity says so on every page that lists it: the volunteer's phone home and
"my activities", the organiser's list and the activity's own page. The open list and the home
map offer only activities one can still join, so it is not there at all."""

import re

import pytest
from django.urls import reverse

from meihao.activities.services import activity_cancel
from meihao.activities.tests.helpers import WEEK_BEFORE, at, make_activity, sign_up

BADGE = '<span class="badge text-bg-dark">已取消</span>'


@pytest.fixture
def called_off(personas):
    """清洁骑楼老街 with volunteer A signed up, then cancelled (rain) by community staff A."""
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    with at(WEEK_BEFORE):
        activity_cancel(actor=personas.community_staff_a, activity=activity, reason="暴雨")
    return activity


def _get(client, user, url) -> str:
    client.force_login(user)
    with at(WEEK_BEFORE):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _item(html: str, activity) -> str:
    """The list item that links to the activity."""
    link = f'href="{reverse("activities:detail", args=[activity.pk])}"'
    items = [li for li in re.findall(r"<li.*?</li>", html, flags=re.S) if link in li]
    assert len(items) == 1, items
    return items[0]


def test_phone_home_shows_my_sign_up_as_cancelled(client, personas, called_off):
    html = _get(client, personas.volunteer_a, reverse("volunteers:home"))
    item = _item(html, called_off)
    assert BADGE in item and "已报名" not in item
    # Nothing to join on the map or the nearby list.
    assert 'id="home-nothing-nearby"' in html


def test_my_activities_show_the_sign_up_as_cancelled(client, personas, called_off):
    html = _get(client, personas.volunteer_a, reverse("activities:mine"))
    assert '<span class="badge text-bg-dark">活动已取消</span>' in _item(html, called_off)


def test_the_organiser_list_shows_the_cancelled_status(client, personas, called_off):
    html = _get(client, personas.community_staff_a, reverse("activities:organise"))
    assert BADGE in _item(html, called_off)
    cancelled = _get(client, personas.community_staff_a, "/activities/organise/?status=cancelled")
    assert BADGE in _item(cancelled, called_off)


def test_the_activity_page_shows_the_cancelled_status_and_why(client, personas, called_off):
    html = _get(client, personas.volunteer_a, reverse("activities:detail", args=[called_off.pk]))
    assert BADGE in html
    assert "暴雨" in html and 'id="cancelled-notice"' in html


def test_the_open_list_no_longer_offers_it(client, personas, called_off):
    html = _get(client, personas.volunteer_a, reverse("activities:list"))
    assert reverse("activities:detail", args=[called_off.pk]) not in html
    assert 'id="activity-list-empty"' in html
