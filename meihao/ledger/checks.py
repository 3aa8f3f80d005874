"""The ledger's invariants, checked against the database in a few grouped queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from meihao.ledger.models import Account, Entry, Transfer


@dataclass
class LedgerReport:
    accounts: int = 0
    transfers: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)


def ledger_mismatches() -> LedgerReport:
    """Every cached balance equals the sum of the account's entries; every transfer has two
    entries summing to zero; no account that may not go negative is below zero."""
    report = LedgerReport(
        accounts=Account.objects.count(),
        transfers=Transfer.objects.count(),
        entries=Entry.objects.count(),
    )
    sums = dict(
        Entry.objects.values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    for pk, code, balance in Account.objects.values_list("pk", "code", "balance").iterator():
        expected = sums.get(pk, 0)
        if balance != expected:
            report.problems.append(f"account {code}: balance {balance}, entries sum to {expected}")
    broken = (
        Transfer.objects.annotate(total=Sum("entries__amount"), count=Count("entries"))
        .filter(~Q(total=0) | ~Q(count=2) | Q(total__isnull=True))
        .values_list("idempotency_key", "total", "count")
    )
    for key, total, count in broken:
        report.problems.append(f"transfer {key}: {count} entries summing to {total}")
    for code, balance in Account.objects.filter(may_go_negative=False, balance__lt=0).values_list(
        "code", "balance"
    ):
        report.problems.append(f"account {code}: negative balance {balance}")
    return report
