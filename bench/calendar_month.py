"""The cultural calendar of a whole city's month (issue 15): 100 districts' events, against the
raw SQL that reads the month's events.

Seeding: N districts (default 100) of 5 streets of 6 communities; in each community, for last
month, this month and next month, ten cultural events and lectures a month (weekends busier:
a third of them on Saturdays), published or held, one in five with a partner unit: ~30,000
events in the measured month at the default, ~90,000 in all. Measured: GET /culture/?month=<this
month> as a resident (who sees every published event of the city: the largest calendar anyone
gets), which shows each day's first four events and every day's count, against the raw SQL of
the month's events (the kinds, statuses and start range the page reads, through a cursor).
Interleaved, after warm-ups; ratio = page / raw SQL at p50 and p95, goal ≤ 2× at p95 (the page
must not grow with the month: the raw SQL does). SQLite, then PostgreSQL.

    python -m bench.calendar_month [--districts N] [--sqlite-only]
"""

import datetime
import random
import time

from bench._django import (
    command_line,
    page_against_raw_sql,
    report_page_against_raw_sql,
    rounds,
    run_on_sqlite_and_postgresql,
    setup_django,
)
from bench._seed import seed_city

DEFAULT_DISTRICTS = 100
STREETS, COMMUNITIES, EVENTS_A_MONTH = 5, 6, 10
ROUNDS = 30
GOAL = 2.0
RAW = (
    "SELECT id, title, starts_at, place_id FROM activities_activity "
    "WHERE kind IN ('cultural_event', 'lecture') AND status IN ('published', 'finished') "
    "AND starts_at >= %s AND starts_at < %s ORDER BY starts_at, id"
)


def _months(today: datetime.date) -> list[datetime.date]:
    this = today.replace(day=1)
    previous = (this - datetime.timedelta(days=1)).replace(day=1)
    following = (this + datetime.timedelta(days=32)).replace(day=1)
    return [previous, this, following]


def _days_of(month: datetime.date) -> list[datetime.date]:
    days, day = [], month
    while day.month == month.month:
        days.append(day)
        day += datetime.timedelta(days=1)
    return days


def seed(districts: int, rng: random.Random) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from meihao.activities.models import Activity
    from meihao.culture.models import Partner
    from meihao.people.models import Organisation, User

    started = time.perf_counter()
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    months = _months(today)
    with transaction.atomic():
        creator = User.objects.create_user("16799999998", "bench-only-password", name="文化站")
        for seeded in seed_city(districts, STREETS, COMMUNITIES):
            district, communities = seeded.place, seeded.communities
            unit = Organisation.objects.create(
                name=f"{district.name}文化馆", kind="unit", place=district
            )
            plan = []
            for community in communities:
                for month in months:
                    days = _days_of(month)
                    saturdays = [d for d in days if d.weekday() == 5]
                    for e in range(EVENTS_A_MONTH):
                        day = rng.choice(saturdays if e % 3 == 0 else days)
                        plan.append((community, day, rng.randrange(9, 20)))
            activities = Activity.objects.bulk_create(
                (
                    Activity(
                        kind=rng.choice(
                            [
                                Activity.Kind.CULTURAL_EVENT,
                                Activity.Kind.CULTURAL_EVENT,
                                Activity.Kind.LECTURE,
                            ]
                        ),  # fmt: skip
                        title=f"{community.name}文艺展演",
                        place_id=community.pk,
                        place_path=community.path,
                        venue="文化广场",
                        starts_at=datetime.datetime(
                            day.year, day.month, day.day, hour, tzinfo=zone
                        ),
                        ends_at=datetime.datetime(
                            day.year, day.month, day.day, hour + 2, tzinfo=zone
                        ),
                        capacity=100,
                        status=(
                            Activity.Status.FINISHED if day < today else Activity.Status.PUBLISHED
                        ),
                        created_by=creator,
                    )
                    for community, day, hour in plan
                ),
                batch_size=5000,
            )
            Partner.objects.bulk_create(
                (Partner(activity=a, organisation=unit) for a in activities if rng.random() < 0.2),
                batch_size=5000,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def worker(districts: int) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from meihao.activities.models import Activity
    from meihao.people.models import User

    call_command("collectstatic", "--no-input", verbosity=0)
    seconds = seed(districts, random.Random(15))
    resident = User.objects.create_user("16799999999", "bench-only-password", name="居民")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(resident)
    zone = timezone.get_current_timezone()
    month = _months(timezone.localdate())[1]
    following = _months(timezone.localdate())[2]
    start = datetime.datetime(month.year, month.month, 1, tzinfo=zone)
    end = datetime.datetime(following.year, following.month, 1, tzinfo=zone)
    adapt = connection.ops.adapt_datetimefield_value
    measured = page_against_raw_sql(
        client,
        f"/culture/?month={month:%Y-%m}",
        b'id="month-view"',
        RAW,
        [adapt(start), adapt(end)],
        rounds=rounds(ROUNDS),
    )
    return {
        **measured,
        "seed_seconds": seconds,
        "month_events": Activity.objects.filter(starts_at__gte=start, starts_at__lt=end).count(),
        "events": Activity.objects.count(),
    }


def report(r: dict) -> bool:
    what = f"{r['month_events']:,} events this month ({r['events']:,} in three months)"
    return report_page_against_raw_sql(r, what, GOAL)


def run(districts: int = DEFAULT_DISTRICTS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.calendar_month", report, "--districts", str(districts), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="districts", default=DEFAULT_DISTRICTS)
