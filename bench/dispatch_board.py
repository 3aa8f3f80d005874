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

from bench._django import (
    against_raw_sql,
    command_line,
    measure,
    p50_p95,
    run_on_sqlite_and_postgresql,
    same_for_any_page_size,
    setup_django,
)

DEFAULT_CASES = 1_000_000
PAGE = 50
RUNS = 40


def worker(cases: int) -> dict:
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench._seed import seed_board
    from meihao.cases.access import case_abilities
    from meihao.cases.selectors import BoardFilters, board_cases

    chief, seed_seconds = seed_board(cases)  # the demo street chief (城东街道)
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
        orm_times = measure(orm, RUNS)
        raw_times = measure(raw, RUNS)
        result[name] = {
            "rows": rows,
            **p50_p95("orm", orm_times),
            **p50_p95("raw", raw_times),
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
    for name in ("incoming", "grid+overdue"):
        r = result[name]
        print(f"[{vendor}] board {name} ({r['rows']} rows): {against_raw_sql('queryset', r)}")
    return same_for_any_page_size(vendor, "queries for a page", result["queries"])


def run(cases: int = DEFAULT_CASES, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.dispatch_board", report, "--cases", str(cases), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="cases", default=DEFAULT_CASES)
