"""Monthly settlement (结算) per provider: the statement of a month, the auditors' call-back
sample, settling (which locks the month's orders and redeems their vouchers), and corrections.

A month's orders are the provider's orders of that service month that were confirmed and paid.
The vouchers they used are what the district owes the provider: settling moves them from the
provider's voucher account back to the district's issuer (key `care-settlement:<id>`), and the
due is that less the corrections landing in the month.

A correction refunds a paid order: its own-money payment is reversed (the provider's account
pays the elder back) and its vouchers are given back to the elder by the district's issuer; the
vouchers refunded are taken off the due of the provider's month in which the correction is made
— never off the order's own month once that is settled, which nothing changes any more.

Settling is for the supervisors covering the provider (street chief, district admin), after the
month has ended and once every order of the sample has its finding. The sample (at least 1% of
the month's subsidised orders, at least one) is drawn once, reproducibly, from the settlement's
own seed; the officials of an elder's home record what the call-back found.
"""

import datetime
import math
import random

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.care.models import CareOrder, Correction, Provider, SampleCheck, Settlement
from meihao.cases.states import Status
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import ELDER_CARE, SUPERVISORS
from meihao.core.scoping import covers, sees_place
from meihao.ledger.models import Transfer, Unit
from meihao.ledger.services import (
    account_for_organisation,
    account_for_person,
    district_issuer,
    ledger_reverse,
    ledger_transfer,
)

SAMPLE_PERCENT = 1
NOTE_MAX = 200


def month_orders(provider: Provider, month: datetime.date):
    """The orders a provider's month settles: served in it, confirmed and paid."""
    return CareOrder.objects.filter(
        provider=provider, month=month, paid_at__isnull=False, case__status=Status.CLOSED
    )


def month_figures(provider: Provider, month: datetime.date) -> dict:
    """Orders, price, vouchers and own money of the month, in one aggregate query."""
    return month_orders(provider, month).aggregate(
        orders=Count("pk"),
        price=Sum("price_cents", default=0),
        vouchers=Sum("voucher_cents", default=0),
        own=Sum("own_cents", default=0),
    )


def corrections_cents(settlement: Settlement) -> int:
    """What the corrections landing in the month take off the due: the vouchers refunded."""
    refunded = settlement.corrections.aggregate(v=Sum("voucher_cents", default=0))["v"]
    return -refunded


def _month_ended(month: datetime.date) -> bool:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return timezone.localdate() >= following


def _require_supervisor(actor, provider: Provider) -> None:
    if not sees_place(actor, provider.place_path):
        raise NotFound(_("No such provider."))
    if not covers(actor, provider.place_path, SUPERVISORS):
        raise PermissionDenied(_("Months are settled by the street or the district."))


def settlement_open(*, provider: Provider, month: datetime.date) -> Settlement:
    """The provider's settlement of `month` (the first day), opened on first use."""
    settlement, _created = Settlement.objects.get_or_create(
        provider=provider, month=month.replace(day=1)
    )
    return settlement


def sample_size(subsidised: int) -> int:
    """How many of a month's `subsidised` orders are called back: at least 1%, at least one."""
    return math.ceil(subsidised * SAMPLE_PERCENT / 100)


@transaction.atomic
def sample_draw(*, actor, settlement: Settlement) -> list[SampleCheck]:
    """Draw the call-back sample of an ended month: ⌈1%⌉ of its subsidised orders, at least
    one. Drawn once; drawing again answers the same sample."""
    _require_supervisor(actor, settlement.provider)
    if settlement.status != Settlement.Status.OPEN:
        raise IllegalTransition(_("This month is settled."))
    if not _month_ended(settlement.month):
        raise IllegalTransition(_("The sample is drawn once the month has ended."))
    existing = list(settlement.sample_checks.all())
    if existing:
        return existing
    subsidised = list(
        month_orders(settlement.provider, settlement.month)
        .filter(voucher_cents__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = sample_size(len(subsidised))
    chosen = random.Random(f"care-sample:{settlement.pk}").sample(subsidised, size)
    checks = SampleCheck.objects.bulk_create(
        [SampleCheck(settlement=settlement, order_id=pk) for pk in sorted(chosen)]
    )
    audit_change(
        actor=actor, action="care.sample_draw", target=settlement, changes={"size": [0, size]}
    )
    return checks


@transaction.atomic
def sample_record(*, actor, check: SampleCheck, finding: str, note: str = "") -> SampleCheck:
    """What the call-back to the elder (or family) found, recorded by the officials of the
    elder's home or the supervisors of the provider."""
    order = check.order
    settlement = Settlement.objects.select_related("provider").get(pk=check.settlement_id)
    if not (
        covers(actor, order.place_path, ELDER_CARE)
        or covers(actor, settlement.provider.place_path, SUPERVISORS)
    ):
        raise NotFound(_("No such check."))
    if settlement.status != Settlement.Status.OPEN:
        raise IllegalTransition(_("This month is settled."))
    if finding not in SampleCheck.Finding.values or finding == SampleCheck.Finding.PENDING:
        raise ValidationFailed(_("Choose what the call found."), field="finding")
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    if finding == SampleCheck.Finding.DISCREPANCY and not note:
        raise ValidationFailed(_("Say what did not match."), field="note")
    check.finding, check.note = finding, note
    check.checked_by, check.checked_at = actor, timezone.now()
    check.save(update_fields=["finding", "note", "checked_by", "checked_at"])
    return check


@transaction.atomic
def settlement_settle(*, actor, settlement: Settlement) -> Settlement:
    """Settle an ended month: every sampled order has its finding; the month's orders are
    locked into the settlement, its figures kept, and its vouchers redeemed by the district."""
    _require_supervisor(actor, settlement.provider)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != Settlement.Status.OPEN:
        raise IllegalTransition(_("This month is settled."))
    if not _month_ended(settlement.month):
        raise IllegalTransition(_("A month is settled once it has ended."))
    provider = settlement.provider
    orders = month_orders(provider, settlement.month)
    subsidised = orders.filter(voucher_cents__gt=0).exists()
    if subsidised and not settlement.sample_checks.exists():
        raise IllegalTransition(_("Draw the call-back sample first."))
    if settlement.sample_checks.filter(finding=SampleCheck.Finding.PENDING).exists():
        raise IllegalTransition(_("Record what every call-back of the sample found first."))
    figures = month_figures(provider, settlement.month)
    orders.filter(settlement__isnull=True).update(settlement=settlement)
    settlement.orders_count = figures["orders"]
    settlement.price_cents = figures["price"]
    settlement.voucher_cents = figures["vouchers"]
    settlement.own_cents = figures["own"]
    settlement.corrections_cents = corrections_cents(settlement)
    settlement.status = Settlement.Status.SETTLED
    settlement.settled_at, settlement.settled_by = timezone.now(), actor
    settlement.save()
    if settlement.voucher_cents:
        ledger_transfer(
            actor=actor,
            source=account_for_organisation(provider.organisation, Unit.VOUCHER),
            target=district_issuer(provider.organisation.place, Unit.VOUCHER),
            amount=settlement.voucher_cents,
            idempotency_key=f"care-settlement:{settlement.pk}",
            kind=Transfer.Kind.SETTLEMENT,
            cause=settlement,
            memo=f"{provider.name} {settlement.month:%Y-%m}",
        )
    audit_change(
        actor=actor,
        action="care.settle",
        target=settlement,
        changes={"status": ["open", "settled"], "due_cents": [None, settlement.due_cents]},
    )
    return settlement


@transaction.atomic
def order_refund(*, actor, order: CareOrder, reason: str) -> Correction:
    """Refund a paid order (a call-back found it not served as paid, a complaint upheld): the
    elder's own money comes back from the provider, the vouchers from the district, and the
    correction lands in the provider's settlement of this month."""
    if not (
        covers(actor, order.place_path, ELDER_CARE)
        or (order.provider_id and covers(actor, order.provider.place_path, SUPERVISORS))
    ):
        raise NotFound(_("No such order."))
    if order.paid_at is None or order.price_cents == 0:
        raise IllegalTransition(_("Only a paid order can be refunded."))
    if Correction.objects.filter(order=order).exists():
        raise IllegalTransition(_("This order has already been refunded."))
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX, required=True)
    key = f"care-own:{order.case_id}"
    own = Transfer.objects.filter(idempotency_key=key).first()
    if own is not None:
        ledger_reverse(actor=actor, transfer=own, reason=reason)
    if order.voucher_cents:
        ledger_transfer(
            actor=actor,
            source=district_issuer(order.elder.person.home_place, Unit.VOUCHER),
            target=account_for_person(order.elder.person, Unit.VOUCHER),
            amount=order.voucher_cents,
            idempotency_key=f"care-refund:{order.case_id}",
            kind=Transfer.Kind.CARE_REFUND,
            cause=order,
            memo=reason,
        )
    month = timezone.localdate().replace(day=1)
    correction = Correction.objects.create(
        order=order,
        settlement=settlement_open(provider=order.provider, month=month),
        voucher_cents=order.voucher_cents,
        own_cents=order.own_cents,
        reason=reason,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_change(
        actor=actor,
        action="care.refund",
        target=order,
        changes={"refunded_cents": [0, order.voucher_cents + order.own_cents]},
    )
    return correction
