"""An order from request to payment: 黄阿婆 books lunch for tomorrow, the canteen nearby takes
it, its cook checks in and out at her door, her daughter confirms, the voucher pays half."""

import datetime

import pytest

from meihao.care import services
from meihao.care.models import CareOffer
from meihao.care.tests.conftest import CANTEEN, HOME, TOMORROW_NOON
from meihao.cases.models import Case, Status
from meihao.core.errors import NotFound, ValidationFailed
from meihao.ledger.models import Account, Unit
from meihao.notify.models import Message


def balance(person, unit):
    return Account.objects.get(person=person, unit=unit).balance


def test_lunch_is_ordered_taken_served_confirmed_and_paid_half_by_vouchers(
    personas, elder, allowance, meal, canteen, cook, daughter, grandma_user
):
    services.wallet_top_up(
        actor=personas.community_staff_a, elder=elder, cents=5000, receipt="SJ-0001"
    )
    order = services.order_place(
        actor=grandma_user, elder=elder, service=meal, starts_at=TOMORROW_NOON
    )
    # The estimate shown before confirming: half of ¥12 from the vouchers.
    assert (order.price_cents, order.voucher_cents, order.own_cents) == (1200, 600, 600)
    offer = CareOffer.objects.get(order=order)
    assert offer.provider == canteen and 490 < offer.distance_m < 510
    assert Message.objects.filter(recipient=cook, kind="care_order_offered").exists()
    case = order.case
    assert case.reporter == elder.person and case.case_type.code == "CARE"

    order = services.order_take(actor=cook, order=order)
    assert order.provider == canteen and order.taken_by == "grabbed"
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.assigned_user == cook

    with pytest.raises(ValidationFailed):  # at the canteen, not at her door
        services.order_check_in(actor=cook, order=order, lat=CANTEEN[0], lon=CANTEEN[1])
    services.order_check_in(actor=cook, order=order, lat=HOME[0], lon=HOME[1] + 0.0001)
    services.order_check_out(actor=cook, order=order, lat=HOME[0], lon=HOME[1])
    order = services.order_confirm(actor=daughter, order=order)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert (order.voucher_cents, order.own_cents) == (600, 600) and order.paid_at
    person = elder.person
    assert balance(person, Unit.VOUCHER) == 10000 - 600
    assert balance(person, Unit.CENTS) == 5000 - 600
    organisation = canteen.organisation
    assert Account.objects.get(organisation=organisation, unit=Unit.VOUCHER).balance == 600
    assert Account.objects.get(organisation=organisation, unit=Unit.CENTS).balance == 600


def test_an_order_in_the_past_or_far_away_changes_nothing(
    personas, elder, meal, canteen, grandma_user
):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.order_place(
            actor=grandma_user,
            elder=elder,
            service=meal,
            starts_at=TOMORROW_NOON - datetime.timedelta(days=2),
        )
    assert refused.value.field == "starts_at"
    with pytest.raises(ValidationFailed):  # the canteen closes at 20:00
        services.order_place(
            actor=grandma_user,
            elder=elder,
            service=meal,
            starts_at=TOMORROW_NOON.replace(hour=22),
        )
    assert Case.objects.count() == before


def test_nobody_else_orders_for_her(personas, elder, meal, canteen):
    for outsider in (personas.resident_b, personas.grid_worker_b, personas.outsider):
        with pytest.raises(NotFound):
            services.order_place(actor=outsider, elder=elder, service=meal, starts_at=TOMORROW_NOON)


def test_a_provider_that_moves_is_offered_orders_from_where_it_now_is(
    personas, elder, meal, canteen, grandma_user
):
    from meihao.care.eligibility import providers_near
    from meihao.care.models import ProviderService
    from meihao.care.services.providers import provider_update

    def near():
        return [p.provider_id for p in providers_near(
            service=meal, place_path=elder.place_path, lat=HOME[0], lon=HOME[1], at=TOMORROW_NOON
        )]  # fmt: skip

    assert near() == [canteen.pk]
    # The canteen moves 8 km north, out of reach of her home; then it stops serving lunch.
    provider_update(
        actor=personas.community_staff_a,
        provider=canteen,
        lat=HOME[0] + 0.072,
        lon=HOME[1],
        address="新址",
        services=list(canteen.services.all()),
        areas=[personas.tree.community_a],
        opens_at=canteen.opens_at,
        closes_at=canteen.closes_at,
        on_call=canteen.on_call,
    )
    assert set(ProviderService.objects.filter(provider=canteen).values_list("lat", flat=True)) == {
        HOME[0] + 0.072
    }
    assert near() == []
    provider_update(
        actor=personas.community_staff_a,
        provider=canteen,
        lat=CANTEEN[0],
        lon=CANTEEN[1],
        address="骑楼街30号",
        services=[s for s in canteen.services.all() if s != meal],
        areas=[personas.tree.community_a],
        opens_at=canteen.opens_at,
        closes_at=canteen.closes_at,
        on_call=canteen.on_call,
    )
    assert near() == []
    with pytest.raises(ValidationFailed):
        services.order_place(actor=grandma_user, elder=elder, service=meal, starts_at=TOMORROW_NOON)
