"""Care vouchers: who qualifies for which allowance, how a price splits between vouchers and
own money, and the month's allowance granted once, last month's remainder expiring unless the
policy rolls it over."""

import datetime

import pytest

from meihao.care.models import CareService, VoucherPolicy
from meihao.care.tests.conftest import SHANGHAI
from meihao.care.vouchers import (
    allowance_grant,
    estimate,
    policy_for,
    share_cents,
    split_of,
    voucher_balance,
)
from meihao.eldercare import services as elder_services
from meihao.eldercare.tests.test_scoring import answers_totalling
from meihao.ledger.checks import ledger_mismatches
from meihao.ledger.models import Transfer, Unit
from meihao.ledger.services import account_for_person, district_issuer, ledger_transfer


@pytest.fixture
def policies(db):
    return {
        "disabled": VoucherPolicy.objects.create(
            name="失能老人补贴", min_level=2, monthly_cents=20000, share_percent=60
        ),
        "low_income": VoucherPolicy.objects.create(
            name="低保老人补贴", for_low_income=True, monthly_cents=10000, share_percent=50
        ),
    }


def assess(personas, elder, total):
    elder_services.assessment_record(
        actor=personas.community_staff_a,
        elder=elder,
        reason="first",
        assessed_on=datetime.date(2026, 12, 1),
        answers=answers_totalling(total),
    )


@pytest.mark.parametrize(
    ("low_income", "total", "expected"),
    [
        (True, None, "low_income"),  # not assessed: by income only
        (False, None, None),
        (False, 80, None),  # 轻度: not enough
        (False, 60, "disabled"),  # 中度
        (True, 60, "disabled"),  # both: the larger allowance
        (True, 80, "low_income"),
    ],
)
def test_the_largest_allowance_the_elder_qualifies_for(
    personas, elder, policies, low_income, total, expected
):
    elder.low_income = low_income
    elder.save()
    if total is not None:
        assess(personas, elder, total)
    policy = policy_for(elder)
    assert (policy.pk if policy else None) == (policies[expected].pk if expected else None)


def test_a_price_splits_by_the_share_the_items_and_the_balance(policies):
    meal = CareService.objects.get(code="MEAL-01")
    bath = CareService.objects.get(code="BATH-01")
    fun = CareService.objects.get(code="FUN-01")
    low = policies["low_income"]
    assert share_cents(low, meal) == 600 and share_cents(None, meal) == 0
    assert share_cents(low, fun) == 0  # not subsidised
    low.services.set([bath])  # the policy now lists its items: meals are not among them
    assert share_cents(low, meal) == 0 and share_cents(low, bath) == 4000
    assert split_of(1200, 600, 10000) == split_of(1200, 600, 600)
    assert (split_of(1200, 600, 250).voucher_cents, split_of(1200, 600, 250).own_cents) == (
        250,
        950,
    )
    assert split_of(1200, 600, 0).own_cents == 1200


def test_a_month_is_granted_once_and_last_months_vouchers_expire(
    personas, elder, policies, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 0, 5, tzinfo=SHANGHAI), tick=False)
    november = datetime.date(2026, 11, 1)
    allowance_grant(elder=elder, month=november)
    allowance_grant(elder=elder, month=november)
    assert voucher_balance(elder) == 10000
    # 30 spent in November.
    vouchers = account_for_person(elder.person, Unit.VOUCHER)
    ledger_transfer(
        actor=None,
        source=vouchers,
        target=district_issuer(elder.person.home_place, Unit.VOUCHER),
        amount=3000,
        idempotency_key="spent-1",
        kind=Transfer.Kind.CARE_PAYMENT,
    )
    time_machine.move_to(datetime.datetime(2026, 12, 1, 0, 5, tzinfo=SHANGHAI), tick=False)
    december = datetime.date(2026, 12, 1)
    allowance_grant(elder=elder, month=december)
    assert voucher_balance(elder) == 10000  # the 70 left expired; December's 100 granted
    assert Transfer.objects.filter(kind=Transfer.Kind.EXPIRY, amount=7000).count() == 1
    # A refund of 20 mid-December, then the task again: nothing of December's expires.
    ledger_transfer(
        actor=None,
        source=district_issuer(elder.person.home_place, Unit.VOUCHER),
        target=vouchers,
        amount=2000,
        idempotency_key="refund-1",
        kind=Transfer.Kind.CARE_REFUND,
    )
    time_machine.move_to(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI), tick=False)
    allowance_grant(elder=elder, month=december)
    assert voucher_balance(elder) == 12000
    assert ledger_mismatches().problems == []


def test_a_policy_that_rolls_over_keeps_what_is_left(personas, elder, policies, time_machine):
    policies["low_income"].rolls_over = True
    policies["low_income"].save()
    time_machine.move_to(datetime.datetime(2026, 11, 1, 0, 5, tzinfo=SHANGHAI), tick=False)
    allowance_grant(elder=elder, month=datetime.date(2026, 11, 1))
    time_machine.move_to(datetime.datetime(2026, 12, 1, 0, 5, tzinfo=SHANGHAI), tick=False)
    allowance_grant(elder=elder, month=datetime.date(2026, 12, 1))
    assert voucher_balance(elder) == 20000


def test_the_estimate_is_what_the_balance_allows(personas, elder, policies):
    meal = CareService.objects.get(code="MEAL-01")
    assert estimate(elder, meal).voucher_cents == 0  # no vouchers granted yet
    allowance_grant(elder=elder, month=datetime.date(2026, 12, 1))
    assert (estimate(elder, meal).voucher_cents, estimate(elder, meal).own_cents) == (600, 600)
