"""The street chief's dispatch board at 1,000,000 cases, on SQLite and on PostgreSQL.

Seeding: the demo district's places and staff, then N cases (default 1,000,000) bulk-inserted
(raw executemany on SQLite, COPY on PostgreSQL; a temporary database that is dropped after).
Measured: the board's queryset (`cases.selectors.board_cases`: scoped to the street chief's
street, filtered, ordered, one page of 50, evaluated into model instances) against the raw SQL
of the same page (the very statement the ORM sends, run on a bare cursor): p50 and p95 over
repeated runs, for the default view (incoming, by response deadline) and a filtered view
(one grid, overdue, by handling deadline). Also checked: the number of queries for a page does
not depend on the page size (10 vs 100 rows, abilities included).

    python -m bench.dispatch_board [--cases N] [--sqlite-only]
"""

import argparse
import statistics
import sys
import time

from bench._django import emit, percentile, run_on_sqlite_and_postgresql, setup_django

DEFAULT_CASES = 1_000_000
PAGE = 50
RUNS = 40


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
    from django.test.utils import CaptureQueriesContext

    from bench._seed import load_district, seed_cases
    from meihao.cases.access import case_abilities
    from meihao.cases.selectors import BoardFilters, board_cases
    from meihao.people.models import User

    load_district()
    seed_seconds = seed_cases(cases)
    chief = User.objects.get(phone="13900000004")  # the demo street chief (城东街道)
    grid = "450403001001001"
    views = {
        "incoming": BoardFilters.from_params({}),
        "grid+overdue": BoardFilters.from_params(
            {"grid": grid, "overdue": "1", "status": "open", "sort": "resolve_by"}
        ),
    }
    result = {"vendor": connection.vendor, "cases": cases, "seed_seconds": seed_seconds}
    for name, filters in views.items():
        queryset = board_cases(chief, filters)

        def orm(queryset=queryset, filters=filters):
            page = list(board_cases(chief, filters)[:PAGE])
            for case in page:
                case_abilities(case, chief)
            return page

        sql, params = queryset[:PAGE].query.sql_with_params()

        def raw(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        rows = len(orm())
        orm_times = _measure(orm)
        raw_times = _measure(raw)
        result[name] = {
            "rows": rows,
            "orm_p50": statistics.median(orm_times),
            "orm_p95": percentile(orm_times, 0.95),
            "raw_p50": statistics.median(raw_times),
            "raw_p95": percentile(raw_times, 0.95),
        }
    counts = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            page = list(board_cases(chief, views["incoming"])[:size])
            for case in page:
                case_abilities(case, chief)
        counts[str(size)] = len(queries)
    result["queries"] = counts
    return result


def report(result: dict) -> bool:
    vendor = result["vendor"]
    print(f"[{vendor}] {result['cases']:,} cases seeded in {result['seed_seconds']:.1f} s")
    ok = True
    for name in ("incoming", "grid+overdue"):
        r = result[name]
        ratio50 = r["orm_p50"] / r["raw_p50"]
        ratio95 = r["orm_p95"] / r["raw_p95"]
        print(
            f"[{vendor}] board {name} ({r['rows']} rows): "
            f"queryset p50 {r['orm_p50'] * 1000:.1f} ms, p95 {r['orm_p95'] * 1000:.1f} ms; "
            f"raw SQL p50 {r['raw_p50'] * 1000:.1f} ms, p95 {r['raw_p95'] * 1000:.1f} ms; "
            f"ratio p50 {ratio50:.2f}×, p95 {ratio95:.2f}×"
        )
    counts = result["queries"]
    same = counts["10"] == counts["100"]
    ok = ok and same
    print(
        f"[{vendor}] queries for a page of 10 / 100: {counts['10']} / {counts['100']}"
        f" ({'independent of page size' if same else 'GROWS with the page'})"
    )
    return ok


def run(cases: int = DEFAULT_CASES, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.dispatch_board", report, "--cases", str(cases), sqlite_only=sqlite_only
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
