"""Monthly settlement: the month's statement, the 1% call-back sample, settling (locked, the
vouchers redeemed), an order paid after its month settled, and a refund as a correction that
lands in a later month."""

import datetime

import pytest

from meihao.care import services
from meihao.care.models import CareOrder, Settlement
from meihao.care.services.settlement import corrections_cents, month_figures, sample_size
from meihao.care.tests.conftest import HOME, SHANGHAI, lunch_on
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.ledger.checks import ledger_mismatches
from meihao.ledger.models import Account, Unit

DECEMBER = datetime.date(2026, 12, 1)


def test_the_month_settles_locked_with_its_vouchers_redeemed(
    personas, december, canteen, time_machine
):
    settlement = services.settlement_open(provider=canteen, month=DECEMBER)
    figures = month_figures(canteen, DECEMBER)
    assert figures == {"orders": 3, "price": 3600, "vouchers": 1800, "own": 1800}
    chief = personas.street_chief_a
    with pytest.raises(IllegalTransition):  # December has not ended
        services.settlement_settle(actor=chief, settlement=settlement)
    time_machine.move_to(datetime.datetime(2027, 1, 3, 9, 0, tzinfo=SHANGHAI), tick=False)
    with pytest.raises(PermissionDenied):  # the community does not settle
        services.sample_draw(actor=personas.community_staff_a, settlement=settlement)
    with pytest.raises(IllegalTransition):  # no sample yet
        services.settlement_settle(actor=chief, settlement=settlement)
    checks = services.sample_draw(actor=chief, settlement=settlement)
    assert len(checks) == 1  # ⌈1% of 3⌉
    assert services.sample_draw(actor=chief, settlement=settlement) == checks
    with pytest.raises(IllegalTransition):  # its finding is pending
        services.settlement_settle(actor=chief, settlement=settlement)
    with pytest.raises(ValidationFailed):  # a discrepancy says what
        services.sample_record(
            actor=personas.community_staff_a, check=checks[0], finding="discrepancy"
        )
    services.sample_record(
        actor=personas.community_staff_a, check=checks[0], finding="confirmed", note="老人说吃过了"
    )
    settled = services.settlement_settle(actor=chief, settlement=settlement)
    assert settled.status == Settlement.Status.SETTLED
    assert (settled.orders_count, settled.voucher_cents, settled.due_cents) == (3, 1800, 1800)
    assert CareOrder.objects.filter(settlement=settled).count() == 3
    vouchers = Account.objects.get(organisation=canteen.organisation, unit=Unit.VOUCHER)
    assert vouchers.balance == 0  # redeemed by the district
    with pytest.raises(IllegalTransition):
        services.settlement_settle(actor=chief, settlement=settled)
    with pytest.raises(IllegalTransition):  # locked: no finding changes any more
        services.sample_record(
            actor=personas.community_staff_a, check=checks[0], finding="unreachable"
        )
    assert ledger_mismatches().problems == []


def test_a_refund_after_settling_lands_in_the_month_it_is_made(
    personas, december, canteen, elder, time_machine
):
    chief = personas.street_chief_a
    time_machine.move_to(datetime.datetime(2027, 1, 3, 9, 0, tzinfo=SHANGHAI), tick=False)
    settlement = services.settlement_open(provider=canteen, month=DECEMBER)
    for check in services.sample_draw(actor=chief, settlement=settlement):
        services.sample_record(actor=chief, check=check, finding="discrepancy", note="没送到")
    services.settlement_settle(actor=chief, settlement=settlement)
    person = elder.person
    before = {u: Account.objects.get(person=person, unit=u).balance for u in ("voucher", "cents")}
    order = december[0]
    with pytest.raises(NotFound):
        services.order_refund(actor=personas.resident_b, order=order, reason="x")
    correction = services.order_refund(
        actor=personas.community_staff_a, order=order, reason="回访发现未送达"
    )
    assert correction.settlement.month == datetime.date(2027, 1, 1)
    assert correction.settlement.status == Settlement.Status.OPEN
    after = {u: Account.objects.get(person=person, unit=u).balance for u in ("voucher", "cents")}
    assert after["voucher"] - before["voucher"] == 600 and after["cents"] - before["cents"] == 600
    # December stays as settled; January's due is 600 less.
    december_settlement = Settlement.objects.get(month=DECEMBER)
    assert december_settlement.due_cents == 1800
    assert corrections_cents(correction.settlement) == -600
    with pytest.raises(IllegalTransition):
        services.order_refund(actor=personas.community_staff_a, order=order, reason="again")
    assert ledger_mismatches().problems == []


def test_an_order_confirmed_after_its_month_settled_joins_the_next(
    personas, elder, allowance, meal, canteen, cook, daughter, grandma_user, time_machine
):
    services.wallet_top_up(
        actor=personas.community_staff_a, elder=elder, cents=10000, receipt="SJ-1"
    )
    time_machine.move_to(datetime.datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI), tick=False)
    order = lunch_on(datetime.date(2026, 12, 31), elder=elder, meal=meal, actor=grandma_user)
    time_machine.move_to(datetime.datetime(2026, 12, 31, 11, 30, tzinfo=SHANGHAI), tick=False)
    services.order_take(actor=cook, order=order)
    services.order_check_in(actor=cook, order=order, lat=HOME[0], lon=HOME[1])
    services.order_check_out(actor=cook, order=order, lat=HOME[0], lon=HOME[1])
    # December is settled (with nothing paid in it) before the daughter confirms.
    time_machine.move_to(datetime.datetime(2027, 1, 2, 9, 0, tzinfo=SHANGHAI), tick=False)
    settlement = services.settlement_open(provider=canteen, month=DECEMBER)
    services.settlement_settle(actor=personas.street_chief_a, settlement=settlement)
    order = services.order_confirm(actor=daughter, order=order)
    assert order.month == datetime.date(2027, 1, 1)
    assert month_figures(canteen, datetime.date(2027, 1, 1))["orders"] == 1


@pytest.mark.parametrize(
    ("subsidised", "called"), [(0, 0), (1, 1), (3, 1), (100, 1), (101, 2), (250, 3), (5704, 58)]
)
def test_the_sample_is_at_least_one_percent_and_at_least_one(subsidised, called):
    assert sample_size(subsidised) == called
