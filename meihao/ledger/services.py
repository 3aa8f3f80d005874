"""Every write to the ledger: opening accounts, transfers, reversals, earning and expiry.

`ledger_transfer` is the one function that moves an amount. Callers pass an idempotency key
naming the cause ("service-record:42", "redemption:7"): the same key again returns the transfer
made the first time (and refuses a different amount or different accounts), so a retried
request never pays twice. The balance moves by a conditional UPDATE (`balance >= amount` for an
account that may not go negative, `balance + amount <= cap` for a capped one), which the
database applies atomically, so two redemptions racing for the last points cannot both win; a
CHECK constraint on the table backs it up.
"""

import re

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed
from meihao.core.idempotency import IdempotencyKeyReused
from meihao.ledger.models import Account, EarningRule, Entry, Transfer, Unit

KEY = re.compile(r"^[A-Za-z0-9._:/@#=+-]{1,120}$")


class InsufficientBalance(ValidationFailed):
    code = "insufficient_balance"


class CapReached(ValidationFailed):
    code = "account_cap_reached"


# ---------------------------------------------------------------------------------------------
# Accounts


def _account(code: str, **fields) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(code=code, **fields)
    except IntegrityError:  # opened concurrently by another request
        return Account.objects.get(code=code)


def account_for_person(person, unit: str) -> Account:
    """The person's account in `unit`, opened on first use. Time-bank accounts are capped."""
    cap = settings.TIMEBANK_ACCOUNT_CAP_HOURS * 60 if unit == Unit.MINUTES else None
    return _account(
        f"person:{person.pk}:{unit}",
        unit=unit,
        kind=Account.Kind.PERSON,
        person=person,
        place_path=person.home_place_path or "",
        cap=cap,
    )


def account_for_organisation(organisation, unit: str) -> Account:
    """An organisation's account (a merchant receives the points its customers redeem)."""
    return _account(
        f"organisation:{organisation.pk}:{unit}",
        unit=unit,
        kind=Account.Kind.ORGANISATION,
        organisation=organisation,
        place_path=organisation.place_path,
    )


def _place_account(kind: str, place, unit: str, *, may_go_negative: bool) -> Account:
    return _account(
        f"{kind}:{place.code}:{unit}",
        unit=unit,
        kind=kind,
        place=place,
        place_path=place.path,
        may_go_negative=may_go_negative,
    )


def issuer_account(place, unit: str = Unit.POINTS) -> Account:
    """Where the points earned at `place` come from; its balance is minus what it issued."""
    return _place_account(Account.Kind.ISSUER, place, unit, may_go_negative=True)


def district_issuer(place, unit: str) -> Account:
    """The issuer of `unit` for the district `place` lies in (care vouchers, top-ups)."""
    return issuer_account(_district_of(place), unit)


def pool_account(place, unit: str = Unit.MINUTES) -> Account:
    """A community's shared pool; it cannot pay out more than has been put in."""
    return _place_account(Account.Kind.POOL, place, unit, may_go_negative=False)


def expiry_account(unit: str = Unit.POINTS) -> Account:
    """Where expired points go (one for the whole installation)."""
    return _account(f"expiry:{unit}", unit=unit, kind=Account.Kind.EXPIRY)


# ---------------------------------------------------------------------------------------------
# Transfers


def _cause(cause) -> tuple[str, str]:
    if cause is None:
        return "", ""
    if isinstance(cause, models.Model):
        return cause._meta.label_lower, str(cause.pk)
    cause_type, cause_id = cause
    return str(cause_type), str(cause_id)


def _check_transfer(source: Account, target: Account, amount, idempotency_key: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(_("The amount must be a whole number above zero."), field="amount")
    if source.pk == target.pk:
        raise ValidationFailed(_("A transfer needs two different accounts."))
    if source.unit != target.unit:
        raise ValidationFailed(_("Points and time-bank minutes cannot be exchanged."))
    if not KEY.match(idempotency_key or ""):
        raise ValueError(
            f"idempotency_key {idempotency_key!r} must be 1-120 printable ASCII characters "
            "without spaces, e.g. service-record:42."
        )


def _same_transfer(existing: Transfer, source, target, amount, kind) -> Transfer:
    if (existing.source_id, existing.target_id, existing.amount, existing.kind) != (
        source.pk,
        target.pk,
        amount,
        kind,
    ):
        raise IdempotencyKeyReused(
            _("This idempotency key was already used for a different transfer.")
        )
    return existing


def _debit(account: Account, amount: int) -> None:
    accounts = Account.objects.filter(pk=account.pk)
    if not account.may_go_negative:
        accounts = accounts.filter(balance__gte=amount)
    if accounts.update(balance=F("balance") - amount) != 1:
        if account.kind == Account.Kind.PERSON and account.unit == Unit.MINUTES:
            raise InsufficientBalance(_("Not enough time-bank minutes in the account."))
        if account.kind == Account.Kind.POOL:
            raise InsufficientBalance(_("The community pool has not enough minutes."))
        if account.unit == Unit.VOUCHER:
            raise InsufficientBalance(_("Not enough care vouchers left this month."))
        if account.unit == Unit.CENTS:
            raise InsufficientBalance(_("Not enough money in the account."))
        raise InsufficientBalance(_("Not enough points in the account."))


def _credit(account: Account, amount: int) -> None:
    accounts = Account.objects.filter(pk=account.pk)
    if account.cap is not None:
        accounts = accounts.filter(balance__lte=account.cap - amount)
    if accounts.update(balance=F("balance") + amount) != 1:
        assert account.cap is not None  # only the cap refuses a credit to an existing account
        raise CapReached(
            _("The account would exceed its cap of %(hours)s hours.")
            % {"hours": account.cap // 60 if account.unit == Unit.MINUTES else account.cap}
        )


def ledger_transfer(
    *,
    actor,
    source: Account,
    target: Account,
    amount: int,
    idempotency_key: str,
    kind: str,
    cause=None,
    memo: str = "",
    reverses: Transfer | None = None,
) -> Transfer:
    """Move `amount` from `source` to `target`, once per idempotency key.

    Raises InsufficientBalance when the source may not go that low, CapReached when the target
    would pass its cap; either way nothing is written. Runs in its own savepoint, so it can be
    called inside the caller's transaction (a redemption updates stock in the same one).
    """
    _check_transfer(source, target, amount, idempotency_key)
    existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_transfer(existing, source, target, amount, kind)
    cause_type, cause_id = _cause(cause)
    now = timezone.now()
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                idempotency_key=idempotency_key,
                kind=kind,
                unit=source.unit,
                amount=amount,
                source=source,
                target=target,
                cause_type=cause_type,
                cause_id=cause_id,
                memo=memo[:200],
                reverses=reverses,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=now,
            )
            # Always in id order, so two transfers between the same accounts in opposite
            # directions lock the rows in the same order and cannot deadlock.
            for account, change in sorted(
                ((source, -amount), (target, amount)), key=lambda pair: pair[0].pk
            ):
                (_debit if change < 0 else _credit)(account, abs(change))
            Entry.objects.bulk_create(
                [
                    Entry(transfer=transfer, account=source, amount=-amount, created_at=now),
                    Entry(transfer=transfer, account=target, amount=amount, created_at=now),
                ]
            )
    except IntegrityError:
        # The same key committed by a concurrent request between our read and our insert.
        existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_transfer(existing, source, target, amount, kind)
    source.refresh_from_db(fields=["balance"])
    target.refresh_from_db(fields=["balance"])
    return transfer


def ledger_reverse(
    *, actor, transfer: Transfer, reason: str, kind: str = Transfer.Kind.REVERSAL
) -> Transfer:
    """Undo a transfer with an opposite one (the original stays). Once per transfer; fails
    when the receiving account has already spent what it received. `kind` names the undoing in
    statements when it is more than a correction (a redemption refunded)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for the reversal."), field="reason")
    if transfer.reverses_id is not None:
        raise ValidationFailed(_("A reversal cannot itself be reversed."))
    existing = Transfer.objects.filter(reverses=transfer).first()
    if existing is not None:
        return existing
    return ledger_transfer(
        actor=actor,
        source=transfer.target,
        target=transfer.source,
        amount=transfer.amount,
        idempotency_key=f"reversal:{transfer.pk}",
        kind=kind,
        cause=transfer,
        memo=reason,
        reverses=transfer,
    )


# ---------------------------------------------------------------------------------------------
# Earning


def _district_of(place):
    """Points are issued per district: the first code of the place's path."""
    from meihao.places.models import PATH_SEPARATOR, Place

    code = place.path.split(PATH_SEPARATOR)[0]
    return place if place.code == code else Place.objects.get(code=code)


def points_for_service(activity_kind: str, minutes: int) -> int:
    rule = EarningRule.objects.filter(
        basis=EarningRule.Basis.ACTIVITY_KIND, key=activity_kind, is_active=True
    ).first()
    per_hour = rule.points_per_hour if rule else settings.LEDGER_POINTS_PER_HOUR
    return max(0, minutes) * per_hour // 60


def points_for_case(case_type_code: str) -> int:
    rule = EarningRule.objects.filter(
        basis=EarningRule.Basis.CASE_TYPE, key=case_type_code, is_active=True
    ).first()
    return rule.points_each if rule else 0


def _earn(*, actor, person, points, place, kind, cause, idempotency_key, memo) -> Transfer | None:
    if points <= 0:
        return None
    return ledger_transfer(
        actor=actor,
        source=issuer_account(_district_of(place)),
        target=account_for_person(person, Unit.POINTS),
        amount=points,
        idempotency_key=idempotency_key,
        kind=kind,
        cause=cause,
        memo=memo,
    )


def ledger_earn_for_service(
    *, actor, person, minutes: int, activity_kind: str, place, cause, idempotency_key: str
) -> Transfer | None:
    """Credit the points `minutes` of service earn under the activity kind's rule (default
    LEDGER_POINTS_PER_HOUR an hour, rounded down); None when that is no points."""
    return _earn(
        actor=actor,
        person=person,
        points=points_for_service(activity_kind, minutes),
        place=place,
        kind=Transfer.Kind.SERVICE,
        cause=cause,
        idempotency_key=idempotency_key,
        memo=_("%(minutes)s minutes of service") % {"minutes": minutes},
    )


def ledger_earn_for_case(
    *, actor, person, case_type_code: str, place, cause, idempotency_key: str
) -> Transfer | None:
    """Credit the points a fulfilled case of this type earns (a micro-wish, time-bank help);
    None when the type earns none."""
    return _earn(
        actor=actor,
        person=person,
        points=points_for_case(case_type_code),
        place=place,
        kind=Transfer.Kind.CASE,
        cause=cause,
        idempotency_key=idempotency_key,
        # The case's number: what the person can look up, in any language.
        memo=getattr(cause, "number", "") or case_type_code,
    )
