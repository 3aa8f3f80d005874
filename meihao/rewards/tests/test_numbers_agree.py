"""Every page that shows volunteer A's points or service time shows the same number, after each
kind of change: sign-up, check-in, finish (the points and hours arrive), redemption, refund and
the reversal of the service record."""

import re

from django.urls import reverse

from meihao.activities import qr
from meihao.activities.attendance import activity_finish, checkin_by_code
from meihao.activities.models import ServiceRecord
from meihao.activities.records import service_record_reverse
from meihao.activities.tests.helpers import END, START, at, make_activity, sign_up
from meihao.rewards.services import pass_issue, redemption_redeem, redemption_refund
from meihao.rewards.tests.conftest import balance
from meihao.volunteers.tests.helpers import register

POINTS = {
    "volunteers:home": r'id="home-points-balance".*?fw-semibold">([\d,]+)<',
    "ledger:mine": r'id="balance-points".*?fw-semibold">([\d,]+)<',
    "rewards:catalogue": r'id="catalogue-balance-points">([\d,]+)<',
    "rewards:pass": r'id="pass-balance">([\d,]+)<',
    "rewards:mine": r'id="mine-balance">([\d,]+)<',
}
MINUTES = {
    "activities:mine": (r'data-minutes="(-?\d+)"', 1),
    "volunteers:home": (r'id="volunteer-hours">(-?[\d.]+)<', 60),
}


def _shown(client) -> tuple[dict, dict]:
    pages = {name: client.get(reverse(name)) for name in {*POINTS, *MINUTES}}
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    html = {name: page.content.decode() for name, page in pages.items()}
    points = {
        name: int(re.search(pattern, html[name], flags=re.S).group(1).replace(",", ""))
        for name, pattern in POINTS.items()
    }
    minutes = {
        name: round(float(re.search(pattern, html[name], flags=re.S).group(1)) * scale)
        for name, (pattern, scale) in MINUTES.items()
    }
    return points, minutes


def test_every_page_shows_the_same_points_and_time_after_each_change(client, personas, shop):
    volunteer = personas.volunteer_a
    register(volunteer)
    client.force_login(volunteer)

    def agree(points: int, minutes: int) -> None:
        shown_points, shown_minutes = _shown(client)
        assert shown_points == dict.fromkeys(POINTS, points)
        assert shown_minutes == dict.fromkeys(MINUTES, minutes)
        assert balance(volunteer.person) == points

    agree(0, 0)
    activity = make_activity(personas)
    sign_up(activity, volunteer)
    agree(0, 0)
    with at(START):
        checkin_by_code(actor=volunteer, activity=activity, code=qr.make_code(activity.pk))
    agree(0, 0)
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    agree(20, 120)  # two hours at 10 points an hour

    issued = pass_issue(actor=volunteer)
    redemption = redemption_redeem(
        actor=personas.merchant_staff,
        code=issued.short_code,
        item=shop.syrup,
        idempotency_key="numbers-0001",
    )
    agree(10, 120)
    status = client.get(reverse("rewards:pass_status", args=[issued.pk])).content.decode()
    assert 'id="pass-status-balance">10<' in status and 'hx-swap-oob="true">10<' in status

    redemption_refund(
        actor=personas.merchant_staff, redemption=redemption.redemption, reason="售罄"
    )
    agree(20, 120)

    record = ServiceRecord.objects.get(person=volunteer.person)
    service_record_reverse(actor=personas.community_staff_a, record=record, reason="重复登记")
    agree(0, 0)
