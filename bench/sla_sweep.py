"""The SLA sweep over 100,000 open cases vs one bulk UPDATE.

Seeding: the demo district, then N open cases (default 100,000) bulk-inserted with response and
handling deadlines spread over the last 30 days, so that many clocks are yellow, red or past
the escalation thresholds. Measured: `meihao.cases.sla.sla_sweep(now)` (colours of both clocks
and the escalations, recorded once) against one plain
`UPDATE cases_case SET handling_sla = 'red' WHERE status IN (...) AND resolve_by <= now`
over the same rows (the least any sweep has to do). Ratio = sweep / UPDATE.

    python -m bench.sla_sweep [--cases N]
"""

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench._django import emit, environment, run_worker, setup_django, sqlite_url

DEFAULT_CASES = 100_000


def worker(cases: int) -> dict:
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from bench._seed import load_district, seed_cases
    from meihao.cases.models import Case, Escalation
    from meihao.cases.sla import sla_sweep
    from meihao.cases.states import HANDLING_RUNNING

    load_district()
    seed_seconds = seed_cases(cases, open_only=True)
    now = timezone.now()
    started = time.perf_counter()
    escalations = len(sla_sweep(now))
    sweep = time.perf_counter() - started
    red = Case.objects.filter(handling_sla="red").count()
    # The steady state: the periodic job five minutes later only adds what crossed since.
    started = time.perf_counter()
    later = len(sla_sweep(now + timedelta(minutes=5)))
    next_sweep = time.perf_counter() - started
    # Back to the state before the sweep, then the baseline over the same rows.
    Case.objects.update(handling_sla="green", response_sla="green")
    Escalation.objects.all().delete()
    statuses = sorted(HANDLING_RUNNING)
    marks = ", ".join(["%s"] * len(statuses))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE cases_case SET handling_sla = 'red' WHERE status IN ({marks})"
            " AND resolve_by <= %s",
            [*statuses, now],
        )
        updated = cursor.rowcount
    baseline = time.perf_counter() - started
    return {
        "vendor": connection.vendor,
        "cases": cases,
        "seed_seconds": seed_seconds,
        "sweep": sweep,
        "escalations": escalations,
        "red": red,
        "next_sweep": next_sweep,
        "next_escalations": later,
        "baseline": baseline,
        "updated": updated,
    }


def run(cases: int = DEFAULT_CASES) -> bool:
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch:
        var_dir = Path(scratch)
        env = environment(var_dir, sqlite_url(var_dir))
        r = run_worker("bench.sla_sweep", env, "--cases", str(cases))
    print(f"[{r['vendor']}] {r['cases']:,} open cases seeded in {r['seed_seconds']:.1f} s")
    print(
        f"sla_sweep: {r['sweep']:.2f} s ({r['red']:,} handling clocks red, "
        f"{r['escalations']:,} escalations recorded)"
    )
    print(
        f"the next sweep, 5 minutes later: {r['next_sweep']:.2f} s "
        f"({r['next_escalations']:,} escalations recorded)"
    )
    print(f"baseline (one bulk UPDATE, {r['updated']:,} rows): {r['baseline']:.2f} s")
    print(f"ratio sweep / UPDATE: {r['sweep'] / r['baseline']:.1f}×")
    return True


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.cases))
    else:
        sys.exit(0 if run(args.cases) else 1)
