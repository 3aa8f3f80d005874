"""Recompute every balance from the entries and check every transfer; exit 1 on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from meihao.ledger.checks import ledger_mismatches


class Command(BaseCommand):
    help = "Recompute every ledger balance from its entries; exits non-zero on any mismatch."

    def handle(self, *args, **options):
        report = ledger_mismatches()
        for line in report.problems:
            self.stderr.write(line)
        if report.problems:
            raise CommandError(f"{len(report.problems)} ledger problem(s).", returncode=1)
        self.stdout.write(
            f"ledger ok: {report.accounts} accounts, {report.transfers} transfers, "
            f"{report.entries} entries"
        )
