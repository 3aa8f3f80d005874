"""One street's volunteer hours for a year vs the raw SQL aggregate (issue 4, item 11c).

Seeding: the demo district's places and staff, then N service records (default 1,000,000 —
about four years of a district of Wanxiu's size, or a few weeks of a whole city) bulk-inserted
into the real activities_servicerecord table over three years, spread over every grid, with one
in fifty reversed. Measured: the `service_hours` indicator's value (span of a street, year) —
the indicator the dashboard reads — against (1) the very SQL statement the ORM sends for it,
run on a bare cursor, and (2) a hand-written `SELECT SUM(minutes) ... WHERE place_path LIKE
'street/%' AND service_date >= ... AND service_date < ...`. 30 runs per street after a warm-up,
interleaved. Ratio = indicator / baseline, p50 and p95. SQLite, then PostgreSQL.

    python -m bench.service_hours [--records N] [--sqlite-only]
"""

import datetime
import random
import time

from bench._django import command_line, percentile, run_on_sqlite_and_postgresql, setup_django

DEFAULT_RECORDS = 1_000_000
RUNS = 30
CHUNK = 20_000
YEAR = 2025


def seed_records(count: int, seed: int = 4) -> float:
    from django.db import connection, transaction

    from meihao.activities.models import ServiceRecord
    from meihao.people.models import Person, User
    from meihao.places.models import Level, Place

    rng = random.Random(seed)
    grids = list(Place.objects.filter(level=Level.GRID).values_list("pk", "path"))
    people = list(Person.objects.values_list("pk", flat=True))
    recorder = User.objects.order_by("pk").values_list("pk", flat=True).first()
    first_day = datetime.date(YEAR - 1, 1, 1)
    columns = [
        "person_id", "service_date", "place_id", "place_path", "content", "minutes", "source",
        "evidence", "recording_organisation", "person_in_charge", "created_by_id", "created_at",
        "reverses_id", "reason", "activity_id", "attendance_id",
    ]  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    created = now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")

    def rows(start: int, size: int):
        for i in range(start, start + size):
            grid_id, path = grids[rng.randrange(len(grids))]
            day = first_day + datetime.timedelta(days=rng.randrange(3 * 365))
            yield (
                people[i % len(people)], day.isoformat(), grid_id, path, "基准测试志愿服务",
                rng.choice((60, 90, 120, 180, 240)), "staff_entry", "service-evidence/bench.jpg",
                "基准测试社区", "基准测试负责人", recorder, created, None, "", None, None,
            )  # fmt: skip

    table = ServiceRecord._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows(0, count):
                    copy.write_row(row)
        else:
            raw = connection.connection.cursor()
            marks = ", ".join("?" for _ in columns)
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            for start in range(0, count, CHUNK):
                raw.executemany(sql, rows(start, min(CHUNK, count - start)))
        # One in fifty corrected by a reversing record, as the rules require.
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}" ({names}) SELECT person_id, service_date, place_id, '
                "place_path, content, -minutes, source, evidence, recording_organisation, "
                f'person_in_charge, created_by_id, created_at, id, %s, NULL, NULL FROM "{table}" '
                "WHERE id %% 50 = 0",
                ["录入错误"],
            )
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"' if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def worker(records: int) -> dict:
    setup_django()
    from django.db import connection

    from bench._seed import load_district
    from meihao.activities.models import ServiceRecord
    from meihao.insights.registry import REGISTRY, Span
    from meihao.places.models import Level, Place

    service_hours = REGISTRY["service_hours"].measure

    load_district()
    seed_seconds = seed_records(records)
    streets = list(Place.objects.filter(level=Level.STREET).values_list("path", flat=True))
    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR + 1, 1, 1)
    hand_sql = (
        f'SELECT COALESCE(SUM(minutes), 0) FROM "{ServiceRecord._meta.db_table}" '
        "WHERE place_path LIKE %s AND service_date >= %s AND service_date < %s"
    )

    def indicator(path):
        return service_hours(Span.of(path, start, end - datetime.timedelta(days=1))).value

    def raw(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    # The ORM's own statement for each street, captured once, replayed on a bare cursor.
    from django.test.utils import CaptureQueriesContext

    statements = {}
    for path in streets:
        with CaptureQueriesContext(connection) as captured:
            indicator(path)
        statements[path] = captured.captured_queries[-1]["sql"]
    times = {"indicator": [], "orm_sql": [], "hand_sql": []}
    answers = {}
    for path in streets:  # warm-up, and the three must agree
        hours = indicator(path)
        hand = raw(hand_sql, [f"{path}%", start, end])
        answers[path] = (hours, round(hand / 60, 1))
    for _ in range(RUNS):
        for path in streets:
            started = time.perf_counter()
            indicator(path)
            times["indicator"].append(time.perf_counter() - started)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(statements[path])
                cursor.fetchone()
            times["orm_sql"].append(time.perf_counter() - started)
            started = time.perf_counter()
            raw(hand_sql, [f"{path}%", start, end])
            times["hand_sql"].append(time.perf_counter() - started)
    return {
        "vendor": connection.vendor,
        "records": ServiceRecord.objects.count(),
        "seed_seconds": seed_seconds,
        "streets": len(streets),
        "agree": all(a == b for a, b in answers.values()),
        "hours": {path: a for path, (a, _b) in answers.items()},
        **{
            f"{name}_{q}": percentile(values, fraction) * 1000
            for name, values in times.items()
            for q, fraction in (("p50", 0.5), ("p95", 0.95))
        },
    }


def report(r: dict) -> bool:
    print(
        f"[{r['vendor']}] {r['records']:,} service records seeded in {r['seed_seconds']:.1f} s; "
        f"{r['streets']} streets, {YEAR}"
    )
    for path, hours in sorted(r["hours"].items()):
        print(f"  {path}: {hours:,.1f} h")
    print(
        f"  service_hours p50 / p95: {r['indicator_p50']:.2f} / {r['indicator_p95']:.2f} ms; "
        f"its own SQL raw: {r['orm_sql_p50']:.2f} / {r['orm_sql_p95']:.2f} ms; "
        f"hand-written SQL: {r['hand_sql_p50']:.2f} / {r['hand_sql_p95']:.2f} ms"
    )
    print(
        f"  ratio vs its own SQL: {r['indicator_p50'] / r['orm_sql_p50']:.2f}x / "
        f"{r['indicator_p95'] / r['orm_sql_p95']:.2f}x; vs hand-written: "
        f"{r['indicator_p50'] / r['hand_sql_p50']:.2f}x / "
        f"{r['indicator_p95'] / r['hand_sql_p95']:.2f}x; answers agree: {r['agree']}"
    )
    return r["agree"]


def run(records: int = DEFAULT_RECORDS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.service_hours", report, "--records", str(records), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="records", default=DEFAULT_RECORDS)
