"""Recount the legal advisors' monthly tallies from their service records: run it after
LEGAL_ADVISOR_MONTHLY_HOURS changes, since the months met (`core.ObligationYear`) were counted
against the old minimum."""

from django.core.management.base import BaseCommand

from meihao.legal.compliance import hours_tallies_rebuild


class Command(BaseCommand):
    help = "Recount every legal advisor post's monthly hours (and months met) from the services."

    def handle(self, *args, **options):
        self.stdout.write(f"legal hours: {hours_tallies_rebuild()} tallies written")
