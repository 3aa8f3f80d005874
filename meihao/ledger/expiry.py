"""Points expire at the end of their Nth year (settings.LEDGER_POINTS_EXPIRE_YEARS; 0 = never).

Spending uses the oldest points first, so what expires on 1 January is what the account earned
up to the end of the year N years back, minus everything that ever left it (spent, reversed,
expired before). One transfer per account and cut-off year, keyed so a re-run writes nothing.
"""

import datetime

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from meihao.ledger.models import Account, Entry, Transfer, Unit
from meihao.ledger.services import expiry_account, ledger_transfer


def _start_of_year(year: int) -> datetime.datetime:
    return datetime.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())


def points_expire(*, today: datetime.date | None = None) -> list[Transfer]:
    """Write the expiry transfers due on `today` (default: now). Safe to run any day."""
    years = settings.LEDGER_POINTS_EXPIRE_YEARS
    if years <= 0:
        return []
    today = today or timezone.localdate()
    last_expiring_year = today.year - years
    before = _start_of_year(last_expiring_year + 1)
    accounts = Account.objects.filter(kind=Account.Kind.PERSON, unit=Unit.POINTS, balance__gt=0)
    totals = (
        Entry.objects.filter(account__in=accounts)
        .values("account_id")
        .annotate(
            earned=Sum("amount", filter=Q(amount__gt=0, created_at__lt=before), default=0),
            left=Sum("amount", filter=Q(amount__lt=0), default=0),
        )
    )
    due = {row["account_id"]: row["earned"] + row["left"] for row in totals}
    sink = expiry_account(Unit.POINTS)
    transfers = []
    for account in Account.objects.filter(pk__in=[pk for pk, amount in due.items() if amount > 0]):
        amount = min(due[account.pk], account.balance)
        transfers.append(
            ledger_transfer(
                actor=None,
                source=account,
                target=sink,
                amount=amount,
                idempotency_key=f"expiry:{account.pk}:{last_expiring_year}",
                kind=Transfer.Kind.EXPIRY,
                memo=f"{last_expiring_year}",
            )
        )
    return transfers
