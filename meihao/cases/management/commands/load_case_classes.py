from django.core.management.base import BaseCommand
from django.db import transaction

from meihao.cases.catalogue import load_grid_catalogue
from meihao.cases.models import CaseCategory, CaseType


class Command(BaseCommand):
    help = "Load the grid-report case type and its classes from cases/data/case-classes.csv."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite classes edited in the admin with the values from the file.",
        )

    def handle(self, *args, update=False, **options):
        with transaction.atomic():
            counts = load_grid_catalogue(CaseType, CaseCategory, update=update)
        self.stdout.write(
            "case classes: {created} created, {updated} updated, {unchanged} unchanged".format(
                **counts
            )
        )
