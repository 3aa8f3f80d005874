import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from meihao.demo.activity_plan import activities_for_scale
from meihao.demo.applications import applications_for_scale
from meihao.demo.care import orders_for_scale
from meihao.demo.cases import cases_for_scale
from meihao.demo.counselling import requests_for_scale
from meihao.demo.legal import consultations_for_scale
from meihao.demo.loader import RESIDENTS_PER_SCALE, Loader
from meihao.demo.patrols import patrol_grids_for_scale
from meihao.demo.petitions import petitions_for_scale
from meihao.demo.police import tips_for_scale
from meihao.demo.rewards import REDEMPTIONS_PER_SCALE
from meihao.demo.timebank import help_requests_for_scale
from meihao.demo.wishes import wishes_for_scale


class Command(BaseCommand):
    help = (
        "Load the demo district Wanxiu (万秀区): streets, communities, grids, buildings, venues, "
        "departments, merchants, teams and people in every role. Safe to run again: rows that "
        "already exist are not created twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=f"residents = scale × {RESIDENTS_PER_SCALE:,} (default 1; 10 for 100,000)",
        )
        # For tests: an exact number of residents, overriding --scale.
        parser.add_argument("--residents", type=int, default=None, help=argparse.SUPPRESS)
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help="historical cases to file (default: 600 × scale up to scale 1; 0 for none)",
        )
        parser.add_argument(
            "--patrols",
            type=int,
            default=None,
            help=(
                "grids whose grid workers walk two weeks of patrols (default: 10 × scale up to "
                "scale 1, in code order; 0 for none)"
            ),
        )

        parser.add_argument(
            "--activities",
            type=int,
            default=None,
            help=(
                "activities in the year behind (default: 3,000 × scale up to scale 1; 0 for "
                "none); the demo community's patrols and the fortnight ahead come on top"
            ),
        )

    def handle(
        self,
        *args,
        scale: float,
        residents: int | None,
        cases: int | None,
        patrols: int | None,
        activities: int | None,
        **options,
    ):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        count = residents if residents is not None else round(scale * RESIDENTS_PER_SCALE)
        if count < 0:
            raise CommandError("--residents must not be negative.")
        if cases is None:
            cases = cases_for_scale(scale)
        if cases < 0:
            raise CommandError("--cases must not be negative.")
        if patrols is None:
            patrols = patrol_grids_for_scale(scale)
        if patrols < 0:
            raise CommandError("--patrols must not be negative.")
        # The volunteer side follows the residents: they are the volunteers.
        people_scale = count / RESIDENTS_PER_SCALE
        if activities is None:
            activities = activities_for_scale(people_scale)
        if activities < 0:
            raise CommandError("--activities must not be negative.")
        redemptions = round(REDEMPTIONS_PER_SCALE * people_scale)
        help_requests = help_requests_for_scale(people_scale)
        wishes = wishes_for_scale(people_scale)
        applications = applications_for_scale(people_scale)
        petitions = petitions_for_scale(people_scale)
        consultations = consultations_for_scale(people_scale)
        tips = tips_for_scale(people_scale)
        counselling = requests_for_scale(people_scale)
        care_orders = orders_for_scale(people_scale)
        verbosity = options.get("verbosity", 1)
        interactive = sys.stderr.isatty()
        started = time.perf_counter()

        def progress(line: str):
            if verbosity < 1:
                return
            if line.startswith("  ") and not (interactive or verbosity >= 2):
                return  # per-group counts only on a terminal
            elapsed = time.perf_counter() - started
            self.stderr.write(f"[{elapsed:6.1f} s] {line}")

        self.stderr.write(
            f"seed_demo: Wanxiu District, {count:,} residents, {cases:,} cases, "
            f"patrols in {patrols:,} grids, {activities:,} activities a year"
        )
        added = Loader(
            residents=count,
            cases=cases,
            patrol_grids=patrols,
            activities=activities,
            redemptions=redemptions,
            help_requests=help_requests,
            wishes=wishes,
            applications=applications,
            petitions=petitions,
            consultations=consultations,
            tips=tips,
            counselling=counselling,
            care_orders=care_orders,
            progress=progress,
        ).run()
        self.stdout.write(
            f"Demo district loaded: {sum(added.values())} rows added "
            f"({time.perf_counter() - started:.1f} s)."
        )
