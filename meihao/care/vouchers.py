"""Care vouchers (养老服务补贴) on the ledger, in cents.

An elder qualifies under a `VoucherPolicy` by their current ability level or low income; the
largest allowance they qualify for is theirs. On the first of each month the allowance moves
from the district's voucher issuer to the elder's voucher account (key
`care-allowance:<elder>:<YYYY-MM>`, so a rerun grants nothing twice); what was left of last month
first goes to the expiry account unless the policy rolls it over (`care-voucher-expiry:…`).

Paying an order splits its price: vouchers pay the policy's share of a subsidised item (of the
items it lists, if it lists any), as far as the balance goes; the elder's own money pays the rest.
The split shown before ordering is an estimate; the one paid is computed when the service is
confirmed, with the elder's voucher account locked, so concurrent payments on one allowance are
exact and never below zero.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.care.models import CareService, VoucherPolicy
from meihao.eldercare.models import Elder
from meihao.eldercare.selectors import current_assessment
from meihao.ledger.models import Account, Entry, Transfer, Unit
from meihao.ledger.services import (
    account_for_person,
    district_issuer,
    expiry_account,
    ledger_transfer,
)


@dataclass(frozen=True)
class Split:
    price_cents: int
    voucher_cents: int
    own_cents: int


def policy_for(elder: Elder) -> VoucherPolicy | None:
    """The largest allowance `elder` qualifies for now, or None."""
    assessment = current_assessment(elder)
    level = assessment.level if assessment is not None else None
    for policy in VoucherPolicy.objects.filter(is_active=True):  # largest first
        by_level = policy.min_level is not None and level is not None and level >= policy.min_level
        if by_level or (policy.for_low_income and elder.low_income):
            return policy
    return None


def share_cents(policy: VoucherPolicy | None, service: CareService) -> int:
    """The most vouchers may pay of `service`'s price under `policy`."""
    if policy is None or not service.subsidised or service.price_cents == 0:
        return 0
    listed = list(policy.services.values_list("pk", flat=True))
    if listed and service.pk not in listed:
        return 0
    return service.price_cents * policy.share_percent // 100


def voucher_balance(elder: Elder) -> int:
    return (
        Account.objects.filter(person_id=elder.person_id, unit=Unit.VOUCHER)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def wallet_balance(elder: Elder) -> int:
    return (
        Account.objects.filter(person_id=elder.person_id, unit=Unit.CENTS)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def split_of(price_cents: int, share: int, balance: int) -> Split:
    voucher = max(0, min(share, balance, price_cents))
    return Split(price_cents, voucher, price_cents - voucher)


def estimate(elder: Elder, service: CareService) -> Split:
    """What an order of `service` would cost the elder now (shown before confirming)."""
    share = share_cents(policy_for(elder), service)
    return split_of(service.price_cents, share, voucher_balance(elder) if share else 0)


def month_key(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def allowance_grant(*, elder: Elder, month: datetime.date) -> Transfer | None:
    """Start `month` for `elder`: expire what is left of the month before (unless it rolls
    over), then grant this month's allowance. Idempotent; None when the elder qualifies for
    none."""
    month = month.replace(day=1)
    policy = policy_for(elder)
    account = account_for_person(elder.person, Unit.VOUCHER)
    last = month_key(previous_month(month))
    grant_key = f"care-allowance:{elder.pk}:{month_key(month)}"
    expiry_key = f"care-voucher-expiry:{elder.pk}:{last}"
    with transaction.atomic():
        # What is left of the months before ends once, and only that: what came in this month
        # (a grant made after a first assessment, a refund) is never taken away by a rerun.
        started = Transfer.objects.filter(idempotency_key__in=[grant_key, expiry_key]).exists()
        rolls_over = policy is not None and policy.rolls_over
        left = account.balance - _credited_since(account, month)
        if not started and left > 0 and not rolls_over:
            ledger_transfer(
                actor=None,
                source=account,
                target=expiry_account(Unit.VOUCHER),
                amount=left,
                idempotency_key=expiry_key,
                kind=Transfer.Kind.EXPIRY,
                cause=elder,
                memo=_("Vouchers of %(month)s not used") % {"month": last},
            )
        if policy is None:
            return None
        return ledger_transfer(
            actor=None,
            source=district_issuer(elder.person.home_place, Unit.VOUCHER),
            target=account,
            amount=policy.monthly_cents,
            idempotency_key=grant_key,
            kind=Transfer.Kind.ALLOWANCE,
            cause=elder,
            memo=f"{policy.name} {month_key(month)}",
        )


def _credited_since(account: Account, month: datetime.date) -> int:
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    return Entry.objects.filter(account=account, amount__gt=0, created_at__gte=start).aggregate(
        total=Sum("amount", default=0)
    )["total"]


def allowances_grant(*, today: datetime.date | None = None) -> int:
    """Grant this month's allowance to every registered elder (the monthly task); how many
    transfers were written or found."""
    month = (today or timezone.localdate()).replace(day=1)
    granted = 0
    elders = Elder.objects.filter(person__home_place__isnull=False).select_related(
        "person__home_place"
    )
    for elder in elders.iterator(chunk_size=500):
        if allowance_grant(elder=elder, month=month) is not None:
            granted += 1
    return granted
