"""Confirming many orders at once on one allowance, on a real server database: the vouchers
pay exactly what the allowance holds, never more, and each order's split adds up."""

import datetime

import pytest
from django.db import connection

from meihao.care import services
from meihao.care.catalogue import load_care_catalogue
from meihao.care.models import CareOrder, CareService
from meihao.care.tests.conftest import HOME, SHANGHAI
from meihao.care.vouchers import voucher_balance
from meihao.cases.models import CaseCategory, CaseType
from meihao.core.testing import race
from meihao.ledger.checks import ledger_mismatches

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database"),
]


@pytest.fixture(autouse=True)
def _catalogue():
    # The catalogue comes from a data migration, and an earlier transactional test's flush
    # empties every table: load it again (idempotent) before the fixtures look it up.
    load_care_catalogue(CaseType, CaseCategory, CareService)


def test_twenty_confirmations_at_once_spend_the_allowance_exactly(
    personas, elder, allowance, meal, canteen, cook, daughter, grandma_user
):
    services.wallet_top_up(
        actor=personas.community_staff_a, elder=elder, cents=100_000, receipt="SJ-race"
    )
    served = []
    for n in range(20):
        # Ten an hour apart on each of two days: one cook, never two at once.
        starts = datetime.datetime(2026, 12, 6 + n // 10, 8 + n % 10, 0, tzinfo=SHANGHAI)
        order = services.order_place(
            actor=grandma_user, elder=elder, service=meal, starts_at=starts
        )
        services.order_take(actor=cook, order=order)
        services.order_check_in(actor=cook, order=order, lat=HOME[0], lon=HOME[1])
        services.order_check_out(actor=cook, order=order, lat=HOME[0], lon=HOME[1])
        served.append(order.pk)

    def attempt(n):
        services.order_confirm(actor=daughter, order=CareOrder.objects.get(pk=served[n]))

    won, refused, errors = race(20, attempt)
    assert errors == [] and refused == [] and len(won) == 20
    paid = list(CareOrder.objects.filter(pk__in=served).values_list("voucher_cents", "own_cents"))
    # ¥100 of vouchers, ¥6 a lunch at most: sixteen full shares and one of ¥4.
    assert sum(v for v, _own in paid) == 10_000
    assert sorted(v for v, _own in paid)[-17:] == [400] + [600] * 16
    assert all(v + own == 1200 for v, own in paid)
    assert voucher_balance(elder) == 0
    assert ledger_mismatches().problems == []
