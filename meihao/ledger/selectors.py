"""Every read of the ledger, scoped to the asking user."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_q, scopes_of
from meihao.ledger.models import Account, Entry, Unit

# Staff who may read the accounts of the people and organisations in their places.


def accounts_visible_to(user) -> QuerySet[Account]:
    """The user's own accounts, their organisations' (merchant staff) and, for staff, those
    whose place lies in their scope."""
    if not getattr(user, "is_authenticated", False):
        return Account.objects.none()
    if user.is_superuser:
        return Account.objects.all()
    own = Account.objects.filter(person__user=user)
    organisations = [s.organisation_id for s in scopes_of(user) if s.organisation_id]
    staff = scope_q(user, path_field="place_path", roles=OFFICIALS)
    return (
        Account.objects.filter(pk__in=own.values("pk"))
        | Account.objects.filter(staff)
        | Account.objects.filter(organisation_id__in=organisations)
    )


def balances(person) -> dict[str, int]:
    """The person's balance in each unit (0 where no account is open; reading opens none).
    The one read of "how many points / minutes this person has" that every page shows."""
    accounts = Account.objects.filter(person=person, kind=Account.Kind.PERSON)
    found = dict(accounts.values_list("unit", "balance"))
    return {unit: found.get(unit, 0) for unit in Unit.values}


def points_balance(person) -> int:
    """The person's points, read now (0 before their first points)."""
    return (
        Account.objects.filter(person=person, kind=Account.Kind.PERSON, unit=Unit.POINTS)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def own_accounts(user) -> dict[str, Account | None]:
    """The user's points and time-bank accounts (None where never opened)."""
    found = {a.unit: a for a in Account.objects.filter(person__user=user, kind=Account.Kind.PERSON)}
    return {unit: found.get(unit) for unit in Unit.values}


@dataclass
class Statement:
    account: Account
    since: datetime.datetime
    until: datetime.datetime
    opening: int
    closing: int
    credits: int
    debits: int
    entries: list


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    since = datetime.datetime(year, month, 1, tzinfo=zone)
    return since, datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)


def account_statement(account: Account, *, year: int, month: int) -> Statement:
    """One month of an account: opening balance, every entry with its transfer, closing
    balance, totals in and out. The caller checks the account is visible to the reader."""
    since, until = month_bounds(year, month)
    entries = Entry.objects.filter(account=account)
    opening = entries.filter(created_at__lt=since).aggregate(total=Sum("amount", default=0))[
        "total"
    ]
    rows = list(
        entries.filter(created_at__gte=since, created_at__lt=until)
        .select_related("transfer")
        .order_by("created_at", "id")
    )
    credits = sum(e.amount for e in rows if e.amount > 0)
    debits = -sum(e.amount for e in rows if e.amount < 0)
    return Statement(
        account=account,
        since=since,
        until=until,
        opening=opening,
        closing=opening + credits - debits,
        credits=credits,
        debits=debits,
        entries=rows,
    )


def recent_entries(account: Account, *, limit: int = 20) -> list[Entry]:
    return list(
        Entry.objects.filter(account=account)
        .select_related("transfer")
        .order_by("-created_at", "-id")[:limit]
    )
