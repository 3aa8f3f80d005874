"""The volunteer's phone home: sign-ups, balances, the quick actions and what is nearby."""

import datetime

import pytest
from django.urls import reverse

from meihao.activities.tests.helpers import START, WEEK_BEFORE, at, make_activity, sign_up
from meihao.ledger.models import Transfer, Unit
from meihao.ledger.services import account_for_person, issuer_account, ledger_transfer
from meihao.timebank import services as timebank

HOME = reverse("volunteers:home")


def _page(client, user, when=WEEK_BEFORE):
    client.force_login(user)
    with at(when):
        response = client.get(HOME)
    assert response.status_code == 200
    return response, response.content.decode()


def test_shows_upcoming_sign_ups_balances_and_quick_actions(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    ledger_transfer(
        actor=None,
        source=issuer_account(personas.tree.district),
        target=account_for_person(personas.volunteer_a.person, Unit.POINTS),
        amount=35,
        idempotency_key="test:1",
        kind=Transfer.Kind.SERVICE,
    )
    response, html = _page(client, personas.volunteer_a)
    home = response.context["home"]
    assert home.points == 35 and home.minutes == 0
    assert [s.activity for s in home.upcoming] == [activity]
    assert "清洁骑楼老街" in html and 'id="home-signups"' in html
    for action in ("activities:scan", "rewards:pass", "activities:list", "ledger:mine"):
        assert f'href="{reverse(action)}' in html
    # The activity is on the map, linked to its page.
    assert home.map_points[0] == {
        "kind": "activity",
        "label": "清洁骑楼老街",
        "when": "06-07 09:00",
        "lat": activity.lat,
        "lon": activity.lon,
        "url": reverse("activities:detail", args=[activity.pk]),
    }
    assert 'id="home-points"' in html and "home_map.js" in html


def test_past_and_cancelled_sign_ups_are_not_upcoming(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    response, html = _page(client, personas.volunteer_a, when=START + datetime.timedelta(days=1))
    assert response.context["home"].upcoming == []
    assert 'id="home-no-signups"' in html
    assert 'id="home-nothing-nearby"' in html  # the only activity is over


def test_a_time_bank_member_sees_requests_in_the_circle(client, personas):
    member_user = personas.volunteer_a
    timebank.member_join(actor=member_user, lat=23.41, lon=111.205)
    from meihao.cases.models import CaseCategory

    category = CaseCategory.objects.filter(case_type__code="TIMEBANK", parent__isnull=False).first()
    request = timebank.help_request_submit(
        actor=personas.resident_a,
        requester=personas.resident_a.person,
        category=category,
        description="帮忙买菜",
        lat=23.4105,
        lon=111.2052,
    )
    response, _html = _page(client, member_user)
    helps = [p for p in response.context["home"].map_points if p["kind"] == "help"]
    assert [p["url"] for p in helps] == [reverse("timebank:request", args=[request.number])]
    assert helps[0]["when"].endswith(" m")


@pytest.mark.parametrize("persona", ["resident_b", "merchant_staff", "outsider"])
def test_anyone_logged_in_gets_a_home_without_other_peoples_things(client, personas, persona):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    response, _html = _page(client, getattr(personas, persona))
    home = response.context["home"]
    assert home.upcoming == [] and home.points == 0


def test_the_home_needs_a_log_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_party_member_sees_published_wishes_to_claim(client, personas):
    from meihao.cases.models import CaseCategory
    from meihao.wishes import services as wishes

    category = CaseCategory.objects.filter(case_type__code="WISH", parent__isnull=False).first()
    wish = wishes.wish_order(
        actor=personas.resident_a, category=category, description="想要一副老花镜"
    )
    wishes.wish_publish(actor=personas.community_staff_a, case=wish)
    response, _html = _page(client, personas.party_member_a)
    found = [p for p in response.context["home"].map_points if p["kind"] == "wish"]
    assert [p["url"] for p in found] == [reverse("wishes:detail", args=[wish.number])]
    # A volunteer who is not a party member has no wish wall.
    response, _html = _page(client, personas.volunteer_a)
    assert not [p for p in response.context["home"].map_points if p["kind"] == "wish"]
