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
GOAL = 2.0  # the first screen within 2× the raw SQL of its statements


def worker(cases: int) -> dict:
    setup_django()
    from django.db import connection

    from bench._seed import seed_board
    from meihao.cases.access import case_abilities
    from meihao.cases.selectors import (
        LATE_SECTION_SIZE,
        BoardFilters,
        board_cases,
        board_late_cases,
    )

    chief, seed_seconds = seed_board(cases)  # the demo street chief (城东街道)
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

    orm_times = measure(first_screen, RUNS)
    raw_times = measure(raw, RUNS)
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
        **p50_p95("orm", orm_times),
        **p50_p95("raw", raw_times),
        "queries": counts,
    }


def report(result: dict) -> bool:
    vendor = result["vendor"]
    print(f"[{vendor}] {result['cases']:,} cases seeded in {result['seed_seconds']:.1f} s")
    print(
        f"[{vendor}] first screen (late {result['late_shown']} of {result['late_count']:,}, "
        f"incoming {result['incoming_shown']} of {result['incoming_count']:,}; "
        f"{result['statements']} statements): "
        f"{against_raw_sql('selectors', result)} (goal ≤ {GOAL:.0f}×)"
    )
    same = same_for_any_page_size(vendor, "statements for an incoming page", result["queries"])
    return same and result["orm_p50"] / result["raw_p50"] <= GOAL


def run(cases: int = DEFAULT_CASES, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.board_first_screen", report, "--cases", str(cases), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="cases", default=DEFAULT_CASES)
