"""Rebuild the rollup rows of the indicators that declare one, from their records."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from meihao.insights import rollups


class Command(BaseCommand):
    help = "Rebuild indicators' rollup rows from their records (all of them, or one, from a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--indicator", help="an indicator's code (default: every one rolled up)"
        )
        parser.add_argument("--since", help="rebuild from this day on (YYYY-MM-DD)")

    def handle(self, *args, indicator=None, since=None, **options):
        chosen = rollups.rolled_up()
        if indicator:
            chosen = [i for i in chosen if i.code == indicator]
            if not chosen:
                raise CommandError(f"No rolled-up indicator {indicator!r}.")
        try:
            first = date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"--since {since!r} is not a day (YYYY-MM-DD).") from None
        for each in chosen:
            written = rollups.rebuild(each, since=first)
            self.stdout.write(f"{each.code}: {written} rows")
