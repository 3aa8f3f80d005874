"""The demo history's points, written in bulk exactly as meihao.ledger.services writes them one
at a time: a transfer per cause under the cause's idempotency key, its two entries (−amount on
the source, +amount on the target, summing to zero), and every touched account's cached
balance set to the sum of its entries — the invariant `manage.py ledger_check` verifies.

Accounts are the ledger's own: a person's `person:<id>:points`, a merchant's
`organisation:<id>:points`, the district's issuer `issuer:<code>:points`. The issuer and the
merchants' accounts are opened through the ledger's services (a handful); people's accounts,
thousands of them, are inserted with the same code and fields `account_for_person` gives.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from meihao.demo.rows import RowWriter, batched, datetime_value, max_id
from meihao.ledger import services as ledger
from meihao.ledger.models import Account, EarningRule, Entry, Transfer, Unit


@dataclass
class TransferRow:
    key: str
    kind: str
    amount: int
    source_id: int
    target_id: int
    created_at: datetime
    created_by_id: int | None = None
    cause: tuple[str, str] = ("", "")
    memo: str = ""
    reverses_id: int | None = None


def service_memo(minutes: int) -> str:
    """The memo `ledger_earn_for_service` writes."""
    return _("%(minutes)s minutes of service") % {"minutes": minutes}


class Points:
    """Bulk writer of points transfers for one loader run."""

    def __init__(self, district):
        self.issuer = ledger.issuer_account(district, Unit.POINTS)
        self.person_accounts: dict[int, int] = {}  # person id → account id
        self.touched: set[int] = set()
        self._earning: dict[str, int] = {}
        self.transfers = RowWriter(
            Transfer,
            [
                "idempotency_key",
                "kind",
                "unit",
                "amount",
                "source_id",
                "target_id",
                "cause_type",
                "cause_id",
                "memo",
                "reverses_id",
                "created_by_id",
                "created_at",
            ],
        )
        self.entries = RowWriter(Entry, ["transfer_id", "account_id", "amount", "created_at"])
        self.accounts = RowWriter(
            Account,
            ["code", "unit", "kind", "person_id", "place_path", "may_go_negative", "created_at"],
        )

    def points_for_service(self, activity_kind: str, minutes: int) -> int:
        """The ledger's earning rule (`points_for_service`: minutes × the kind's points per
        hour, rounded down), its rate asked once per kind: the points of an hour."""
        if activity_kind not in self._earning:
            self._earning[activity_kind] = ledger.points_for_service(activity_kind, 60)
        return max(0, minutes) * self._earning[activity_kind] // 60

    def case_points(self, case_type_code: str) -> int:
        rule = EarningRule.objects.filter(
            basis=EarningRule.Basis.CASE_TYPE, key=case_type_code, is_active=True
        ).first()
        return rule.points_each if rule else 0

    def accounts_of(self, people: dict[int, str], opened_at: datetime) -> dict[int, int]:
        """{person id: points account id} for `people` ({id: home place path}), opening the
        missing accounts as `account_for_person` would."""
        wanted = [pk for pk in people if pk not in self.person_accounts]
        for part in batched(wanted, 500):
            self.person_accounts.update(
                Account.objects.filter(
                    kind=Account.Kind.PERSON, unit=Unit.POINTS, person_id__in=part
                ).values_list("person_id", "id")
            )
        missing = [pk for pk in wanted if pk not in self.person_accounts]
        if missing:
            stamp = datetime_value(opened_at)
            self.accounts.insert(
                (
                    f"person:{pk}:{Unit.POINTS}",
                    Unit.POINTS,
                    Account.Kind.PERSON,
                    pk,
                    people[pk] or "",
                    False,
                    stamp,
                )
                for pk in missing
            )
            for part in batched(missing, 500):
                self.person_accounts.update(
                    Account.objects.filter(
                        kind=Account.Kind.PERSON, unit=Unit.POINTS, person_id__in=part
                    ).values_list("person_id", "id")
                )
        return {pk: self.person_accounts[pk] for pk in people}

    def organisation_account(self, organisation) -> int:
        return ledger.account_for_organisation(organisation, Unit.POINTS).pk

    def write(self, rows: list[TransferRow]) -> dict[str, int]:
        """Insert the transfers whose key is not there yet, with their entries; returns
        {key: transfer id} of all of `rows`."""
        keys = [row.key for row in rows]
        found: dict[str, int] = {}
        for part in batched(keys, 500):
            found.update(
                Transfer.objects.filter(idempotency_key__in=part).values_list(
                    "idempotency_key", "id"
                )
            )
        new = [row for row in rows if row.key not in found]
        if not new:
            return found
        after = max_id(Transfer)
        self.transfers.insert(
            (
                row.key,
                row.kind,
                Unit.POINTS,
                row.amount,
                row.source_id,
                row.target_id,
                row.cause[0],
                row.cause[1],
                row.memo[:200],
                row.reverses_id,
                row.created_by_id,
                datetime_value(row.created_at),
            )
            for row in new
        )
        ids = dict(Transfer.objects.filter(pk__gt=after).values_list("idempotency_key", "id"))
        found.update(ids)
        self.entries.insert(
            entry
            for row in new
            for entry in (
                (ids[row.key], row.source_id, -row.amount, datetime_value(row.created_at)),
                (ids[row.key], row.target_id, row.amount, datetime_value(row.created_at)),
            )
        )
        for row in new:
            self.touched.update((row.source_id, row.target_id))
        return found

    def settle(self) -> None:
        """Every touched account's balance := the sum of its entries."""
        total = (
            Entry.objects.filter(account=OuterRef("pk"))
            .order_by()
            .values("account")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        )
        for part in batched(sorted(self.touched), 500):
            Account.objects.filter(pk__in=part).update(
                balance=Coalesce(Subquery(total, output_field=IntegerField()), 0)
            )
        self.touched.clear()
