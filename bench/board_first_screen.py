"""The street chief's first screen of the dispatch board at 1,000,000 cases, on SQLite and on
PostgreSQL: the late section (cases at a department or awaiting verification, amber or red,
urgent first) above the incoming cases (`cases.selectors.board_late_cases` and `board_cases`).

Seeding as `bench.dispatch_board` (bench/_seed.py: the demo district's places and staff, then N
cases bulk-inserted; a temporary database dropped after). Measured: the first screen's reads as
the board view makes them — the late section's first 10 and its count, the incoming page of 50
and its count, the report thumbnails of both, `case_abilities` for every case shown — against
the raw SQL of the very statements they sent (recorded with `connection.execute_wrapper` and
replayed on a bare cursor): p50 and p95 over repeated runs. Also checked: the number of
statements does not depend on the page size (10 vs 100 incoming rows).

    python -m bench.board_first_screen [--cases N] [--sqlite-only]
"""

import argparse
import statistics
import sys
import time

from bench._django import emit, percentile, run_on_sqlite_and_postgresql, setup_django

DEFAULT_CASES = 1_000_000
PAGE = 50
RUNS = 40
GOAL = 2.0  # the first screen within 2× the raw SQL of its statements


def _measure(function, runs=RUNS) -> list[float]:
    function()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def worker(cases: int) -> dict:
    setup_django()
    from django.db import connection

    from bench._seed import load_district, seed_cases
    from meihao.cases.access import case_abilities
    from meihao.cases.selectors import (
        LATE_SECTION_SIZE,
        BoardFilters,
        board_cases,
        board_late_cases,
    )
    from meihao.people.models import User

    load_district()
    seed_seconds = seed_cases(cases)
    chief = User.objects.get(phone="13900000004")  # the demo street chief (城东街道)
    filters = BoardFilters.from_params({})

    def first_screen(size=PAGE):
        late = board_late_cases(chief, filters)
        late_cases = list(late[:LATE_SECTION_SIZE])
        late_count = late.count() if len(late_cases) == LATE_SECTION_SIZE else len(late_cases)
        incoming = board_cases(chief, filters)
        incoming_count = incoming.count()
        page = list(incoming[:size])
        for case in late_cases + page:
            case_abilities(case, chief)
        return late_cases, late_count, page, incoming_count

    def recording(statements):
        def wrapper(execute, sql, params, many, context):
            statements.append((sql, params))
            return execute(sql, params, many, context)

        return wrapper

    first_screen()  # the user's scopes and claim rules are loaded once per request: not measured
    statements: list = []
    with connection.execute_wrapper(recording(statements)):
        late_cases, late_count, page, incoming_count = first_screen()

    def raw():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    orm_times = _measure(first_screen)
    raw_times = _measure(raw)
    counts = {}
    for size in (10, 100):
        sent: list = []
        with connection.execute_wrapper(recording(sent)):
            first_screen(size)
        counts[str(size)] = len(sent)
    return {
        "vendor": connection.vendor,
        "cases": cases,
        "seed_seconds": seed_seconds,
        "late_shown": len(late_cases),
        "late_count": late_count,
        "incoming_shown": len(page),
        "incoming_count": incoming_count,
        "statements": len(statements),
        "orm_p50": statistics.median(orm_times),
        "orm_p95": percentile(orm_times, 0.95),
        "raw_p50": statistics.median(raw_times),
        "raw_p95": percentile(raw_times, 0.95),
        "queries": counts,
    }


def report(result: dict) -> bool:
    vendor = result["vendor"]
    print(f"[{vendor}] {result['cases']:,} cases seeded in {result['seed_seconds']:.1f} s")
    ratio50 = result["orm_p50"] / result["raw_p50"]
    ratio95 = result["orm_p95"] / result["raw_p95"]
    print(
        f"[{vendor}] first screen (late {result['late_shown']} of {result['late_count']:,}, "
        f"incoming {result['incoming_shown']} of {result['incoming_count']:,}; "
        f"{result['statements']} statements): "
        f"selectors p50 {result['orm_p50'] * 1000:.1f} ms, p95 {result['orm_p95'] * 1000:.1f} ms; "
        f"raw SQL p50 {result['raw_p50'] * 1000:.1f} ms, p95 {result['raw_p95'] * 1000:.1f} ms; "
        f"ratio p50 {ratio50:.2f}×, p95 {ratio95:.2f}× (goal ≤ {GOAL:.0f}×)"
    )
    counts = result["queries"]
    same = counts["10"] == counts["100"]
    print(
        f"[{vendor}] statements for an incoming page of 10 / 100: {counts['10']} / {counts['100']}"
        f" ({'independent of page size' if same else 'GROWS with the page'})"
    )
    return same and ratio50 <= GOAL


def run(cases: int = DEFAULT_CASES, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.board_first_screen", report, "--cases", str(cases), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.cases))
    else:
        sys.exit(0 if run(args.cases, args.sqlite_only) else 1)
