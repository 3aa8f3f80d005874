"""Points expiry, earning rules, the statement pages and the API."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meihao.ledger.expiry import points_expire
from meihao.ledger.models import Account, EarningRule, Transfer, Unit
from meihao.ledger.services import (
    account_for_organisation,
    ledger_earn_for_case,
    ledger_earn_for_service,
    ledger_transfer,
    points_for_service,
)

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(year, month=6, day=1):
    return time_machine.travel(datetime.datetime(year, month, day, 10, tzinfo=TZ), tick=False)


def earn(personas, minutes, key, person=None):
    return ledger_earn_for_service(
        actor=None,
        person=person or personas.resident_a.person,
        minutes=minutes,
        activity_kind="volunteer_service",
        place=personas.tree.community_a,
        cause=("activities.servicerecord", key),
        idempotency_key=f"service-record:{key}",
    )


def balance(account):
    return Account.objects.get(pk=account.pk).balance


def test_an_hour_earns_ten_points_by_default_rounded_down(personas):
    assert points_for_service("volunteer_service", 60) == 10
    assert points_for_service("volunteer_service", 89) == 14
    assert points_for_service("lecture", 5) == 0
    transfer = earn(personas, 150, "1")
    assert transfer.amount == 25
    assert transfer.source.code == "issuer:450403:points"  # issued by the district
    assert earn(personas, 5, "2") is None  # no points due, nothing written
    assert Transfer.objects.count() == 1


def test_an_earning_rule_overrides_the_default(personas):
    EarningRule.objects.create(basis="activity_kind", key="patrol_shift", points_per_hour=15)
    assert points_for_service("patrol_shift", 120) == 30
    assert points_for_service("volunteer_service", 120) == 20


def test_case_types_earn_by_their_rule(personas):
    # The default rules (a data migration): a fulfilled micro-wish earns 20, other types none.
    transfer = ledger_earn_for_case(
        actor=None,
        person=personas.party_member_a.person,
        case_type_code="WISH",
        place=personas.tree.grid_a2,
        cause=("cases.case", "9"),
        idempotency_key="case:9:fulfilled",
    )
    assert transfer.amount == 20 and transfer.kind == Transfer.Kind.CASE
    assert transfer.memo == "WISH"  # a case itself as the cause gives its number
    none = ledger_earn_for_case(
        actor=None,
        person=personas.party_member_a.person,
        case_type_code="GRID",
        place=personas.tree.grid_a2,
        cause=("cases.case", "10"),
        idempotency_key="case:10:fulfilled",
    )
    assert none is None


def _redeem(personas, account, amount, key):
    return ledger_transfer(
        actor=None,
        source=account,
        target=account_for_organisation(personas.merchant, Unit.POINTS),
        amount=amount,
        idempotency_key=key,
        kind=Transfer.Kind.REDEMPTION,
    )


def test_points_expire_at_the_end_of_their_third_year_oldest_first(personas, settings):
    settings.LEDGER_POINTS_EXPIRE_YEARS = 3
    with at(2023):
        account = earn(personas, 600, "2023").target  # 100 points earned in 2023
    with at(2024):
        earn(personas, 300, "2024")  # 50 points earned in 2024
        _redeem(personas, account, 30, "r:1")  # spends the oldest: 70 of 2023's remain
    with at(2025, 12, 31):
        assert points_expire() == []  # 2023, 2024, 2025: three years
    with at(2026, 1, 1):
        (expired,) = points_expire()
        assert expired.amount == 70
        assert expired.kind == Transfer.Kind.EXPIRY
        assert points_expire() == []  # a re-run writes nothing
        assert balance(account) == 50
    with at(2027, 3, 1):  # 2024's points, the end of their third year passed
        (expired,) = points_expire()
        assert expired.amount == 50
    assert balance(account) == 0


def test_no_expiry_unless_configured(personas, settings):
    settings.LEDGER_POINTS_EXPIRE_YEARS = 0
    with at(2020):
        earn(personas, 600, "old")
    assert points_expire() == []


def test_my_points_page_shows_balances_and_this_months_statement(client, personas):
    with at(2026, 11, 3):
        earn(personas, 120, "a")
    with at(2026, 11, 20):
        client.force_login(personas.resident_a)
        response = client.get(reverse("ledger:mine"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "我的积分" in html
        assert response.context["statement"].closing == 20
        assert 'data-amount="20"' in html
        october = client.get(reverse("ledger:mine"), {"month": "2026-10"})
        assert october.context["statement"].entries == []
        assert "本月没有收支" in october.content.decode()
        future = client.get(reverse("ledger:mine"), {"month": "2027-01"})
        assert future.context["month_start"] == datetime.date(2026, 11, 1)
        for unreadable in ("²０２６-10", "0001-01", "9999-12", "2026-13", "9" * 5000):
            response = client.get(reverse("ledger:mine"), {"month": unreadable})
            assert response.context["month_start"] == datetime.date(2026, 11, 1), unreadable


def test_my_points_page_without_an_account_explains_how_to_earn(client, personas):
    client.force_login(personas.resident_b)
    response = client.get(reverse("ledger:mine"), {"unit": "minutes"})
    assert response.status_code == 200
    assert response.context["statement"] is None
    assert 'id="statement-empty"' in response.content.decode()


def test_the_api_returns_my_balances(client, personas):
    earn(personas, 60, "a")
    client.force_login(personas.resident_a)
    body = client.get("/api/v1/ledger/me").json()
    points = next(a for a in body["accounts"] if a["unit"] == "points")
    minutes = next(a for a in body["accounts"] if a["unit"] == "minutes")
    assert points["balance"] == 10 and points["entries"][0]["amount"] == 10
    assert minutes == {"unit": "minutes", "balance": 0, "cap": None, "entries": []}
    client.logout()
    assert client.get("/api/v1/ledger/me").status_code == 401


# Who reads a statement: the owner, staff of the place, the organisation's own staff.
@pytest.mark.parametrize(
    ("persona", "whose", "status"),
    [
        ("resident_a", "resident_a", 200),
        ("resident_b", "resident_a", 404),
        ("community_staff_a", "resident_a", 200),
        ("community_staff_a", "resident_b", 404),
        ("street_chief_a", "resident_a", 200),
        ("district_admin", "resident_b", 200),
        ("grid_worker_a", "resident_a", 404),
        ("merchant_staff", "merchant", 200),
        ("merchant_staff", "resident_a", 404),
        ("volunteer_a", "merchant", 404),
        ("outsider", "resident_a", 404),
    ],
)
def test_statement_permissions(client, personas, persona, whose, status):
    from meihao.ledger.services import account_for_person

    if whose == "merchant":
        account = account_for_organisation(personas.merchant, Unit.POINTS)
    else:
        account = account_for_person(getattr(personas, whose).person, Unit.POINTS)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("ledger:statement", args=[account.code])).status_code == status


def test_pages_need_a_log_in(client, personas):
    for url in (reverse("ledger:mine"), reverse("ledger:statement", args=["x"])):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
