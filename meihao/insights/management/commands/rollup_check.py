"""Compare every rolled-up indicator's stored figures with the live ones; exit 1 on any
difference, like `ledger_check`."""

from django.core.management.base import BaseCommand, CommandError

from meihao.insights import rollups


class Command(BaseCommand):
    help = (
        "Compare rollup and live figures of every rolled-up indicator, month by month over the "
        "last year, at each district and street (or --place); exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--place", action="append", help="a place path (repeatable)")
        parser.add_argument("--indicator", action="append", help="an indicator's code")
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args, place=None, indicator=None, months=12, **options):
        report = rollups.mismatches(place_paths=place, months=months, codes=indicator)
        for line in report.problems:
            self.stderr.write(line)
        if report.problems:
            raise CommandError(f"{len(report.problems)} rollup problem(s).", returncode=1)
        self.stdout.write(
            f"rollups ok: {report.compared} figures compared, {report.pending} read live "
            "(days waiting to be recomputed)"
        )
