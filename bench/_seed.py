"""Bulk-seeding for the benchmarks.

Cases: raw executemany (SQLite) or COPY (PostgreSQL) into the real cases_case table of a
migrated database with the demo district's places. Rows are plain but complete: every column
gets the model's default, and the columns the board and the sweep read (status, place, class,
deadlines, colours, times) are drawn at random with a realistic mix (most cases closed; the open
ones spread over the workflow and the clocks).

A city: `seed_city` builds the place tree of the city-sized benchmarks (districts → streets →
communities) in three bulk inserts.
"""

import random
from dataclasses import dataclass
from datetime import UTC, timedelta

CHUNK = 20_000
# Status mix of a year of cases (most closed); `open_only` draws from the open ones alone.
STATUS_MIX = [
    ("closed", 820), ("rejected", 40), ("duplicate", 30), ("void", 5), ("submitted", 20),
    ("accepted", 10), ("dispatched", 20), ("in_progress", 30), ("reported_back", 15),
    ("reopened", 5), ("returned", 3), ("parked", 2),
]  # fmt: skip
OPEN = {"submitted", "accepted", "dispatched", "in_progress", "reported_back", "reopened",
        "returned", "parked"}  # fmt: skip
HANDLING = {"dispatched", "in_progress", "reopened", "returned"}
STREET_CHIEF = "13900000004"  # the demo street chief's phone (城东街道)


def seed_cases(count: int, *, open_only: bool = False, seed: int = 1) -> float:
    """Insert `count` cases; returns the seconds it took."""
    import time

    from django.db import connection, transaction
    from django.utils import timezone

    from meihao.cases.models import Case, CaseCategory, CaseType
    from meihao.places.models import Level, Place

    rng = random.Random(seed)
    grid_type = CaseType.objects.get(code="GRID")
    categories = list(
        CaseCategory.objects.filter(case_type=grid_type, parent__isnull=False).values_list(
            "pk", flat=True
        )
    )
    grids = list(Place.objects.filter(level=Level.GRID).values_list("pk", "path", "code"))
    mix = [(s, w) for s, w in STATUS_MIX if not open_only or s in OPEN]
    statuses, weights = zip(*mix, strict=True)
    now = timezone.now()
    varying = [
        "number", "case_type_id", "category_id", "place_id", "place_path", "status",
        "created_at", "updated_at", "response_started_at", "respond_warn_at", "respond_by",
        "respond_escalate_at", "responded_at", "handling_started_at", "resolve_warn_at",
        "resolve_by", "resolve_escalate_at", "closed_at", "lat", "lon", "description",
        "channel",
    ]  # fmt: skip
    constant = {}
    for field in Case._meta.concrete_fields:
        if field.primary_key or field.column in varying:
            continue
        default = field.get_default()
        constant[field.column] = field.get_db_prep_save(default, connection)
    columns = varying + list(constant)
    constant_values = tuple(constant.values())
    if connection.vendor == "postgresql":

        def stamp(value):
            return value  # COPY adapts aware datetimes itself

    else:
        # What Django's SQLite backend stores: naive UTC in ISO format with a space.
        def stamp(value):
            return None if value is None else value.replace(tzinfo=None).isoformat(" ")

        now = now.astimezone(UTC)

    def rows(start: int, size: int):
        for i in range(start, start + size):
            status = rng.choices(statuses, weights)[0]
            created = now - timedelta(
                seconds=rng.randrange(365 * 86400 if not open_only else 30 * 86400)
            )
            respond_by = created + timedelta(hours=24)
            responded = status not in ("submitted", "accepted")
            handling = responded and status not in ("rejected", "duplicate", "void")
            started = created + timedelta(hours=rng.uniform(0.5, 30)) if handling else None
            resolve_by = (
                started + timedelta(hours=rng.choice([2, 4, 8, 24, 72])) if started else None
            )
            grid_id, path, _code = grids[i % len(grids)]
            yield (
                f"BN{i:012d}", grid_type.pk, rng.choice(categories), grid_id, path, status,
                stamp(created), stamp(created), stamp(created),
                stamp(created + timedelta(hours=19.2)), stamp(respond_by),
                stamp(created + timedelta(hours=48)), stamp(started if responded else None),
                stamp(started), stamp(started + (resolve_by - started) * 0.8) if started else None,
                stamp(resolve_by), stamp(started + (resolve_by - started) * 2) if started else None,
                stamp(resolve_by) if status == "closed" else None,
                23.4 + rng.random() / 10, 111.2 + rng.random() / 10, "批量生成的基准测试案件",
                "grid_patrol",
            ) + constant_values  # fmt: skip

    table = Case._meta.db_table
    started_at = time.perf_counter()
    with transaction.atomic():
        cursor = connection.cursor()
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{c}"' for c in columns)
            raw = cursor.cursor  # psycopg cursor: COPY is its bulk path
            with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows(0, count):
                    copy.write_row(row)
        else:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            raw = connection.connection.cursor()
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            for start in range(0, count, CHUNK):
                raw.executemany(sql, rows(start, min(CHUNK, count - start)))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{table}"')
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started_at


def bulk_insert(model, columns: list[str], rows) -> int:
    """Insert `rows` (tuples of `columns`' values: attnames, each value as the driver wants it —
    `meihao.demo.rows.date_value`, `datetime_value`) into `model`'s table, every other column
    taking its default as the demo's `RowWriter` prepares it: COPY on PostgreSQL, the writer's
    executemany on SQLite, with a page cache that keeps a table of millions of rows and its
    indexes in memory. Call it inside the seeding's transaction. Answers the rows written."""
    from django.db import connection

    from meihao.demo.rows import RowWriter

    writer = RowWriter(model, columns)
    written = 0

    def counted():
        nonlocal written
        for row in rows:
            written += 1
            yield row

    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        names = ", ".join(quote(name) for name in writer.names)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
        ):
            for row in counted():
                copy.write_row(row + writer.constants)
        return written
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB
    writer.insert(counted())
    return written


def next_id(model) -> int:
    """The first id free above `model`'s rows, for rows inserted with their ids given (so that
    rows pointing at them need not read them back); `reset_ids` moves PostgreSQL's sequence
    past them afterwards."""
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_ids(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def load_district():
    """The demo district's places, departments and staff (no residents, no cases)."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", residents=0, cases=0, stdout=io.StringIO(), stderr=io.StringIO())


def seed_board(cases: int):
    """The demo district and `cases` cases for the dispatch board's benchmarks; returns the demo
    street chief whose board is measured and the seconds the cases took to seed."""
    from meihao.people.models import User

    load_district()
    seed_seconds = seed_cases(cases)
    return User.objects.get(phone=STREET_CHIEF), seed_seconds


@dataclass
class District:
    """A district `seed_city` built: its place, its streets and its communities (street by
    street)."""

    place: object
    streets: list
    communities: list


def seed_city(
    districts: int, streets: int, communities: int, *, first_code: int = 470000
) -> list[District]:
    """A city's place tree: `districts` districts (codes from `first_code` on, named 第n区) of
    `streets` streets of `communities` communities each, in three bulk inserts; the districts
    in order. Call it inside the seeding's transaction."""
    from meihao.places.models import Level, Place

    roots = Place.objects.bulk_create(
        Place(code=f"{first_code + n:06d}", name=f"第{n + 1}区", level=Level.DISTRICT,
              path=f"{first_code + n:06d}/")
        for n in range(districts)
    )  # fmt: skip
    street_places = Place.objects.bulk_create(
        Place(code=f"{d.code}{s + 1:03d}", name=f"{d.name}第{s + 1}街道", level=Level.STREET,
              parent=d, path=f"{d.path}{d.code}{s + 1:03d}/")
        for d in roots
        for s in range(streets)
    )  # fmt: skip
    community_places = Place.objects.bulk_create(
        Place(code=f"{s.code}{c + 1:03d}", name=f"{s.name}第{c + 1}社区",
              level=Level.COMMUNITY, parent=s, path=f"{s.path}{s.code}{c + 1:03d}/")
        for s in street_places
        for c in range(communities)
    )  # fmt: skip
    per_district = streets * communities
    return [
        District(
            place=root,
            streets=street_places[n * streets : (n + 1) * streets],
            communities=community_places[n * per_district : (n + 1) * per_district],
        )
        for n, root in enumerate(roots)
    ]
