"""Redeeming at the counter: atomic (stock and points together or not at all), idempotent on
a retried confirm, within the limit per person, refundable once."""

import pytest

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.idempotency import IdempotencyKeyReused
from meihao.core.models import AuditEvent
from meihao.ledger.checks import ledger_mismatches
from meihao.ledger.models import Account, Transfer, Unit
from meihao.rewards.models import Redemption, RedemptionPass, RewardItem
from meihao.rewards.services import pass_issue, redemption_redeem, redemption_refund
from meihao.rewards.tests.conftest import NOW, balance, fund


def redeem(personas, item, *, person_user=None, key="confirm-0001", actor=None, code=None):
    if code is None:
        code = pass_issue(actor=person_user or personas.volunteer_a).short_code
    return redemption_redeem(
        actor=actor or personas.merchant_staff, code=code, item=item, idempotency_key=key
    )


def stock(item) -> int:
    return RewardItem.objects.get(pk=item.pk).stock


def merchant_points(personas) -> int:
    account = Account.objects.filter(organisation=personas.merchant, unit=Unit.POINTS).first()
    return account.balance if account else 0


def test_a_redemption_moves_points_takes_stock_and_uses_the_pass(personas, shop):
    person = personas.volunteer_a.person
    fund(personas, person, 100)
    issued = pass_issue(actor=personas.volunteer_a)
    result = redemption_redeem(
        actor=personas.merchant_staff,
        code=issued.short_code,
        item=shop.syrup,
        idempotency_key="confirm-0001",
    )
    redemption = result.redemption
    assert result.created
    assert redemption.number == f"R{redemption.pk:08d}"
    assert (redemption.person, redemption.item, redemption.merchant) == (
        person,
        shop.syrup,
        shop.merchant,
    )
    assert redemption.points == 10
    assert redemption.status == Redemption.Status.COMPLETED
    assert redemption.scanned_by == personas.merchant_staff
    assert redemption.created_at == NOW
    assert balance(person) == 90
    assert merchant_points(personas) == 10
    assert stock(shop.syrup) == 4
    assert RedemptionPass.objects.get(pk=issued.pk).used_at == NOW
    transfer = redemption.transfer
    assert transfer.kind == Transfer.Kind.REDEMPTION
    assert transfer.amount == 10
    assert transfer.source.person == person
    assert transfer.target.organisation == personas.merchant
    assert "双皮奶" in transfer.memo
    assert AuditEvent.objects.filter(action="rewards.redeem", target_id=str(redemption.pk))
    assert ledger_mismatches().problems == []


def test_a_retried_confirm_returns_the_same_redemption(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    issued = pass_issue(actor=personas.volunteer_a)
    first = redeem(personas, shop.syrup, code=issued.short_code, key="confirm-same")
    again = redeem(personas, shop.syrup, code=issued.short_code, key="confirm-same")
    assert first.created and not again.created
    assert again.redemption.pk == first.redemption.pk
    assert Redemption.objects.count() == 1
    assert Transfer.objects.filter(kind=Transfer.Kind.REDEMPTION).count() == 1
    assert balance(personas.volunteer_a.person) == 90
    assert stock(shop.syrup) == 4


def test_a_confirm_key_reused_for_another_item_is_refused(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    redeem(personas, shop.syrup, key="confirm-same")
    with pytest.raises(IdempotencyKeyReused) as refused:
        redeem(personas, shop.tea, key="confirm-same")
    assert refused.value.code == "idempotency_key_reused" and refused.value.status == 409
    assert Redemption.objects.count() == 1
    assert stock(shop.tea) == 2


@pytest.mark.parametrize("key", ["", "short", "has space in it", "x" * 65, "ключ-12345"])
def test_a_malformed_confirm_key_is_refused(personas, shop, key):
    fund(personas, personas.volunteer_a.person, 100)
    with pytest.raises(ValidationFailed) as refused:
        redeem(personas, shop.syrup, key=key)
    assert refused.value.field == "idempotency_key"
    assert stock(shop.syrup) == 5
    assert not Redemption.objects.exists()


def test_out_of_stock_writes_no_transfer_and_leaves_the_pass_usable(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    issued = pass_issue(actor=personas.volunteer_a)
    with pytest.raises(ValidationFailed) as refused:
        redeem(personas, shop.gone, code=issued.short_code)
    assert refused.value.code == "out_of_stock"
    assert balance(personas.volunteer_a.person) == 100
    assert not Transfer.objects.filter(kind=Transfer.Kind.REDEMPTION).exists()
    assert RedemptionPass.objects.get(pk=issued.pk).used_at is None
    # The same pass still redeems something in stock.
    redeem(personas, shop.syrup, code=issued.short_code, key="confirm-0002")
    assert balance(personas.volunteer_a.person) == 90


def test_insufficient_points_leave_stock_and_pass_alone(personas, shop):
    fund(personas, personas.volunteer_a.person, 25)
    issued = pass_issue(actor=personas.volunteer_a)
    with pytest.raises(ValidationFailed) as refused:
        redeem(personas, shop.tea, code=issued.short_code)
    assert refused.value.code == "insufficient_balance"
    assert stock(shop.tea) == 2
    assert balance(personas.volunteer_a.person) == 25
    assert RedemptionPass.objects.get(pk=issued.pk).used_at is None
    assert not Redemption.objects.exists()
    assert ledger_mismatches().problems == []


def test_a_person_who_never_earned_a_point_is_refused(personas, shop):
    with pytest.raises(ValidationFailed) as refused:
        redeem(personas, shop.syrup, person_user=personas.resident_b)
    assert refused.value.code == "insufficient_balance"
    assert stock(shop.syrup) == 5
    assert not Account.objects.filter(person=personas.resident_b.person).exists()


def test_the_limit_per_person_is_enforced_and_a_refund_frees_it(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    first = redeem(personas, shop.tea, key="confirm-tea-1").redemption
    with pytest.raises(ValidationFailed) as refused:
        redeem(personas, shop.tea, key="confirm-tea-2")
    assert refused.value.code == "over_limit"
    assert stock(shop.tea) == 1
    assert balance(personas.volunteer_a.person) == 70
    # Another person is not limited by the first one's redemption.
    fund(personas, personas.resident_a.person, 30)
    redeem(personas, shop.tea, person_user=personas.resident_a, key="confirm-tea-3")
    redemption_refund(actor=personas.merchant_staff, redemption=first, reason="顾客退回")
    redeem(personas, shop.syrup, key="confirm-syrup")  # unlimited items are unaffected
    assert stock(shop.tea) == 1
    redeem(personas, shop.tea, key="confirm-tea-4")
    assert stock(shop.tea) == 0


def test_an_item_no_longer_offered_cannot_be_redeemed(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    RewardItem.objects.filter(pk=shop.syrup.pk).update(is_active=False)
    shop.syrup.refresh_from_db()
    with pytest.raises(ValidationFailed):
        redeem(personas, shop.syrup)
    assert stock(shop.syrup) == 5


def test_a_paused_merchant_cannot_redeem(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    shop.merchant.is_active = False
    shop.merchant.save()
    with pytest.raises(PermissionDenied):
        redeem(personas, shop.syrup)
    assert balance(personas.volunteer_a.person) == 100


@pytest.mark.parametrize(
    "persona, error",
    [
        ("community_staff_a", PermissionDenied),  # manages the merchant, does not staff it
        ("street_chief_a", PermissionDenied),
        ("district_admin", PermissionDenied),
        ("grid_worker_a", NotFound),
        ("resident_a", NotFound),
        ("volunteer_a", NotFound),
        ("outsider", NotFound),
    ],
)
def test_only_the_merchants_staff_redeem(personas, shop, persona, error):
    fund(personas, personas.volunteer_a.person, 100)
    with pytest.raises(error):
        redeem(personas, shop.syrup, actor=getattr(personas, persona))
    assert balance(personas.volunteer_a.person) == 100
    assert stock(shop.syrup) == 5
    assert not Redemption.objects.exists()


def test_staff_of_one_merchant_cannot_redeem_at_another(personas, shop, other_shop):
    fund(personas, personas.volunteer_a.person, 100)
    with pytest.raises(NotFound):
        redeem(personas, other_shop.items.get())
    assert not Redemption.objects.exists()


def test_a_refund_reverses_the_points_and_restores_stock_once(personas, shop, frozen):
    fund(personas, personas.volunteer_a.person, 100)
    redemption = redeem(personas, shop.syrup).redemption
    with pytest.raises(ValidationFailed) as refused:
        redemption_refund(actor=personas.merchant_staff, redemption=redemption, reason="  ")
    assert refused.value.field == "reason"
    assert redemption.status == Redemption.Status.COMPLETED
    refunded = redemption_refund(
        actor=personas.merchant_staff, redemption=redemption, reason="商品变质"
    )
    assert refunded.status == Redemption.Status.REFUNDED
    assert refunded.refund_reason == "商品变质"
    assert refunded.refunded_by == personas.merchant_staff
    assert refunded.refunded_at == NOW
    assert refunded.refund_transfer.reverses == refunded.transfer
    assert refunded.refund_transfer.kind == Transfer.Kind.REFUND
    assert balance(personas.volunteer_a.person) == 100
    assert merchant_points(personas) == 0
    assert stock(shop.syrup) == 5
    with pytest.raises(ValidationFailed) as again:
        redemption_refund(actor=personas.merchant_staff, redemption=refunded, reason="再退一次")
    assert again.value.code == "already_refunded"
    assert balance(personas.volunteer_a.person) == 100
    assert stock(shop.syrup) == 5
    assert Transfer.objects.filter(kind=Transfer.Kind.REFUND).count() == 1
    assert AuditEvent.objects.filter(action="rewards.refund").count() == 1
    assert ledger_mismatches().problems == []


@pytest.mark.parametrize(
    "persona, error",
    [
        ("community_staff_a", PermissionDenied),
        ("street_chief_a", PermissionDenied),
        ("volunteer_a", NotFound),
        ("resident_b", NotFound),
        ("outsider", NotFound),
    ],
)
def test_only_the_merchants_staff_refund(personas, shop, persona, error):
    fund(personas, personas.volunteer_a.person, 100)
    redemption = redeem(personas, shop.syrup).redemption
    with pytest.raises(error):
        redemption_refund(actor=getattr(personas, persona), redemption=redemption, reason="x")
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.COMPLETED
    assert balance(personas.volunteer_a.person) == 90
    assert stock(shop.syrup) == 4
