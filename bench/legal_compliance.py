"""The legal advisors' monthly compliance page for a city (issue 13): 100 districts, 3,000
communities each with its advisor, a year of service records, against the raw SQL of the page's
aggregate.

Seeding: N districts (default 100) of 5 streets of 6 communities, an advisor posted in each
community, and for each post and month of the year behind two duty sessions and four answers
(`AdvisorService` rows: 72 a post, 216,000 for the city), then the posts' monthly tallies
recounted from them (`legal.compliance.hours_tallies_rebuild`: what recording each service keeps
up to date). Measured: GET /legal/compliance/?place=all&month=<last month> as a superuser — every
post of the city with its month's minutes by kind, "N of M posts met" and the first page of the
table — against the raw SQL of its aggregate over the records (the month's service minutes grouped
by advisor, community and kind, through a cursor), what the page would have to run without the
tallies, as the party compliance bench measures against the meetings. Interleaved, after
warm-ups; ratio = page / raw SQL at p50 and p95, goal ≤ 2× at p95. SQLite, then PostgreSQL.

    python -m bench.legal_compliance [--districts N] [--sqlite-only]
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
STREETS, COMMUNITIES = 5, 6
ROUNDS = 30
GOAL = 2.0
RAW = (
    "SELECT advisor_id, community_id, kind, SUM(minutes) FROM legal_advisorservice "
    "WHERE served_at >= %s AND served_at < %s GROUP BY advisor_id, community_id, kind"
)


def _months_behind(today: datetime.date, n: int) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append((year, month))
    return months


def seed(districts: int, rng: random.Random) -> float:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from meihao.core.roles import Role
    from meihao.legal.compliance import hours_tallies_rebuild
    from meihao.legal.models import AdvisorService
    from meihao.people.models import RoleAssignment, User

    started = time.perf_counter()
    zone = timezone.get_current_timezone()
    password = make_password(None)
    months = _months_behind(timezone.localdate(), 12)
    with transaction.atomic():
        communities = [
            c
            for district in seed_city(districts, STREETS, COMMUNITIES, first_code=460000)
            for c in district.communities
        ]
        advisors = User.objects.bulk_create(
            User(phone=f"166{n:08d}", name=f"律师{n}", password=password)
            for n in range(len(communities))
        )
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role=Role.LEGAL_ADVISOR, place=community)
            for user, community in zip(advisors, communities, strict=True)
        )
        rows = []
        for user, community in zip(advisors, communities, strict=True):
            for year, month in months:
                for day, kind, minutes in (
                    (8, "duty", 150), (22, "duty", 150), *((rng.randint(1, 28), "consultation",
                    rng.randint(10, 60)) for _ in range(4)),
                ):  # fmt: skip
                    rows.append(
                        AdvisorService(
                            advisor=user,
                            community=community,
                            place_path=community.path,
                            kind=kind,
                            minutes=minutes if rng.random() > 0.05 else 1,
                            served_at=datetime.datetime(year, month, day, 10, tzinfo=zone),
                        )
                    )
            if len(rows) >= 20_000:
                AdvisorService.objects.bulk_create(rows)
                rows = []
        AdvisorService.objects.bulk_create(rows)
        hours_tallies_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def worker(districts: int) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from meihao.core.models import ObligationTally
    from meihao.legal.models import AdvisorService
    from meihao.people.models import User

    # The page links the static files by their collected names (the production storage).
    call_command("collectstatic", "--no-input", verbosity=0)
    seconds = seed(districts, random.Random(13))
    admin = User.objects.create_superuser("16699999999", "bench-only-password")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    year, month = _months_behind(timezone.localdate(), 1)[0]
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    url = f"/legal/compliance/?place=all&month={year}-{month:02d}"
    params = [start, end]

    measured = page_against_raw_sql(client, url, b'data-met="', RAW, params, rounds=rounds(ROUNDS))
    return {
        **measured,
        "seed_seconds": seconds,
        "posts": len(User.objects.filter(role_assignments__role="legal_advisor")),
        "records": AdvisorService.objects.count(),
        "tallies": ObligationTally.objects.filter(duty__startswith="legal.").count(),
    }


def report(r: dict) -> bool:
    what = f"{r['posts']:,} posts, {r['records']:,} service records, {r['tallies']:,} tallies"
    return report_page_against_raw_sql(r, what, GOAL)


def run(districts: int = DEFAULT_DISTRICTS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.legal_compliance", report, "--districts", str(districts), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="districts", default=DEFAULT_DISTRICTS)
