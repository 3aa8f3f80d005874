"""Racing redemptions on a real server database: the points and the stock decide, exactly."""

import pytest
from django.db import connection

from meihao.core.testing import race
from meihao.ledger.checks import ledger_mismatches
from meihao.rewards.models import Redemption, RedemptionPass, RewardItem
from meihao.rewards.services import pass_issue, redemption_redeem, redemption_refund
from meihao.rewards.tests.conftest import balance, fund

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database"),
]


def test_thirty_racing_redemptions_of_ten_points_against_a_hundred_ten_win(personas, shop):
    person = personas.volunteer_a.person
    fund(personas, person, 100)
    RewardItem.objects.filter(pk=shop.syrup.pk).update(stock=50)
    codes = [pass_issue(actor=personas.volunteer_a).short_code for _ in range(30)]
    item_id = shop.syrup.pk

    def attempt(n):
        redemption_redeem(
            actor=personas.merchant_staff,
            code=codes[n],
            item=RewardItem.objects.select_related("merchant__organisation").get(pk=item_id),
            idempotency_key=f"race-{n:04d}",
        )

    won, refused, errors = race(30, attempt)
    assert errors == []
    assert len(won) == 10
    assert refused == ["insufficient_balance"] * 20
    assert balance(person) == 0
    assert RewardItem.objects.get(pk=item_id).stock == 40
    assert Redemption.objects.count() == 10
    assert RedemptionPass.objects.filter(used_at__isnull=False).count() == 10
    assert ledger_mismatches().problems == []


def test_racing_for_the_last_items_never_oversells(personas, shop):
    fund(personas, personas.volunteer_a.person, 1000)
    codes = [pass_issue(actor=personas.volunteer_a).short_code for _ in range(12)]
    item_id = shop.syrup.pk  # 5 in stock

    def attempt(n):
        redemption_redeem(
            actor=personas.merchant_staff,
            code=codes[n],
            item=RewardItem.objects.select_related("merchant__organisation").get(pk=item_id),
            idempotency_key=f"race-{n:04d}",
        )

    won, refused, errors = race(12, attempt)
    assert errors == []
    assert (len(won), sorted(set(refused))) == (5, ["out_of_stock"])
    assert RewardItem.objects.get(pk=item_id).stock == 0
    assert balance(personas.volunteer_a.person) == 950
    assert ledger_mismatches().problems == []


def test_racing_redemptions_of_a_limited_item_by_one_person_one_wins(personas, shop):
    fund(personas, personas.volunteer_a.person, 1000)
    codes = [pass_issue(actor=personas.volunteer_a).short_code for _ in range(8)]
    RewardItem.objects.filter(pk=shop.tea.pk).update(stock=20)  # limit 1 per person
    item_id = shop.tea.pk

    def attempt(n):
        redemption_redeem(
            actor=personas.merchant_staff,
            code=codes[n],
            item=RewardItem.objects.select_related("merchant__organisation").get(pk=item_id),
            idempotency_key=f"race-{n:04d}",
        )

    won, refused, errors = race(8, attempt)
    assert errors == []
    assert (len(won), refused) == (1, ["over_limit"] * 7)
    assert RewardItem.objects.get(pk=item_id).stock == 19
    assert balance(personas.volunteer_a.person) == 970
    assert ledger_mismatches().problems == []


def test_a_double_tapped_confirm_redeems_once(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    code = pass_issue(actor=personas.volunteer_a).short_code
    item_id = shop.syrup.pk
    numbers = []

    def attempt(n):
        result = redemption_redeem(
            actor=personas.merchant_staff,
            code=code,
            item=RewardItem.objects.select_related("merchant__organisation").get(pk=item_id),
            idempotency_key="double-tap-1",
        )
        numbers.append(result.redemption.number)

    won, refused, errors = race(6, attempt)
    assert errors == [] and refused == []
    assert len(set(numbers)) == 1 and len(numbers) == 6
    assert balance(personas.volunteer_a.person) == 90
    assert RewardItem.objects.get(pk=item_id).stock == 4


def test_racing_refunds_refund_once(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    code = pass_issue(actor=personas.volunteer_a).short_code
    redemption = redemption_redeem(
        actor=personas.merchant_staff, code=code, item=shop.syrup, idempotency_key="to-refund"
    ).redemption

    def attempt(n):
        redemption_refund(
            actor=personas.merchant_staff,
            redemption=Redemption.objects.select_related("merchant", "person", "transfer").get(
                pk=redemption.pk
            ),
            reason=f"退款{n}",
        )

    won, refused, errors = race(6, attempt)
    assert errors == []
    assert (len(won), refused) == (1, ["already_refunded"] * 5)
    assert balance(personas.volunteer_a.person) == 100
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 5
    assert ledger_mismatches().problems == []
