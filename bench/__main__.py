"""Run every benchmark: `python -m bench` (or `make bench`).

`python -m bench --smoke` runs each one at a toy size, on SQLite where it can choose, to show that
the benchmarks still run against today's code (CI does this): a benchmark that cannot run raises;
the figures and goals at that size mean nothing.
"""

import os
import sys

from bench import (
    application_submit,
    board_first_screen,
    calendar_month,
    care_settlement,
    case_api,
    catalogue_search,
    city_figures,
    dispatch_board,
    document_verify,
    helpers_nearby,
    legal_compliance,
    party_compliance,
    providers_nearby,
    redemptions,
    seed_demo,
    service_hours,
    sla_sweep,
    venue_race,
    voucher_race,
)

BENCHMARKS = [
    seed_demo,
    case_api,
    dispatch_board,
    board_first_screen,
    sla_sweep,
    service_hours,
    redemptions,
    helpers_nearby,
    providers_nearby,
    catalogue_search,
    application_submit,
    document_verify,
    voucher_race,
    care_settlement,
    legal_compliance,
    party_compliance,
    venue_race,
    calendar_month,
    city_figures,
]


SMOKE_SIZES = {
    seed_demo: {"scale": 0.05},
    case_api: {"sqlite_only": True},
    dispatch_board: {"cases": 2_000, "sqlite_only": True},
    board_first_screen: {"cases": 2_000, "sqlite_only": True},
    sla_sweep: {"cases": 2_000},
    service_hours: {"records": 5_000, "sqlite_only": True},
    redemptions: {"attempts": 60, "threads": 4, "rounds": 1},
    helpers_nearby: {"members": 300, "sqlite_only": True},
    providers_nearby: {"providers": 2_000, "sqlite_only": True},
    catalogue_search: {"districts": 2, "sqlite_only": True},
    application_submit: {"sqlite_only": True},
    document_verify: {"sqlite_only": True},
    voucher_race: {"orders": 20, "threads": 5, "rounds": 1},
    care_settlement: {"orders": 5_000},
    legal_compliance: {"districts": 2, "sqlite_only": True},
    party_compliance: {"districts": 1, "sqlite_only": True},
    calendar_month: {"districts": 1, "sqlite_only": True},
    venue_race: {"requests": 10, "threads": 5, "rounds": 1},
    city_figures: {"scale": 1, "sqlite_only": True},
}


def main(smoke: bool = False) -> int:
    if smoke:
        os.environ["BENCH_SMOKE"] = "1"  # read by bench._django.rounds, in every worker
    failures = 0
    for benchmark in BENCHMARKS:
        print(f"== {benchmark.__name__.removeprefix('bench.')}", flush=True)
        met = benchmark.run(**(SMOKE_SIZES[benchmark] if smoke else {}))
        # At toy sizes the goals mean nothing; a benchmark that no longer runs raises.
        if not met and not smoke:
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(smoke="--smoke" in sys.argv[1:]))
