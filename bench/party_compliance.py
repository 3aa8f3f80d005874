"""The party meetings' compliance page for a city (issue 14): 100 districts, ~30,000 branches, a
year of meetings, against the raw SQL of the page's aggregate.

Seeding: N districts (default 100) of 5 streets of 6 communities of 10 branches, under one city
committee; for last year every meeting each branch owes (支部党员大会 4, 支部委员会 12, 党课 4,
主题党日 12, 组织生活会 1, 民主评议 1: 34 a branch, ~1 million at the default) but one branch in
ten missing a few, each an activity with its meeting row, and the obligation tallies as
approving their minutes writes them. Measured: GET /party/compliance/?org=<city>&year=<last
year> as a superuser — "N of M held every meeting due", counted over every branch in the
database, and the first page of branches with their cells — against the raw SQL of its
aggregate (last year's counted meetings grouped by branch and type, through a cursor).
Interleaved, after warm-ups; ratio = page / raw SQL at p50 and p95, goal ≤ 2× at p95. SQLite,
then PostgreSQL.

    python -m bench.party_compliance [--districts N] [--sqlite-only]
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
STREETS, COMMUNITIES, BRANCHES = 5, 6, 10
ROUNDS = 30
GOAL = 2.0
RAW = (
    "SELECT org_id, meeting_type_id, COUNT(*) FROM party_partymeeting "
    "WHERE counted AND held_on >= %s AND held_on <= %s GROUP BY org_id, meeting_type_id"
)
# Meeting days of each type in a year: (month, day) per meeting.
MONTHLY = [(m, 12) for m in range(1, 13)]
QUARTERLY = [(m, 20) for m in (2, 5, 8, 11)]
DAYS = {
    "general": QUARTERLY,
    "committee": MONTHLY,
    "lecture": QUARTERLY,
    "theme_day": [(m, 25) for m in range(1, 13)],
    "life": [(12, 15)],
    "review": [(12, 16)],
}


def _orgs(model, rows):
    """Bulk-create organisations and give each its path (its parent's and its own id)."""
    created = model.objects.bulk_create(rows, batch_size=5000)
    for org in created:
        org.path = f"{org.parent.path if org.parent else ''}{org.pk}/"
    model.objects.bulk_update(created, ["path"], batch_size=5000)
    return created


def seed(districts: int, rng: random.Random) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from meihao.activities.models import Activity
    from meihao.party.meetings import tallies_rebuild
    from meihao.party.models import MeetingType, PartyMeeting, PartyOrg
    from meihao.people.models import User

    started = time.perf_counter()
    zone = timezone.get_current_timezone()
    year = timezone.localdate().year - 1
    types = {t.code: t for t in MeetingType.objects.filter(code__in=DAYS)}
    L = PartyOrg.Level
    with transaction.atomic():
        creator = User.objects.create_user("16799999998", "bench-only-password", name="组织员")
        city_places = seed_city(districts, STREETS, COMMUNITIES)
        root = city_places[0].place
        city = PartyOrg(name="中共某市委员会", level=L.DISTRICT_COMMITTEE, path="", place=root)
        city.place_path = root.path
        city = _orgs(PartyOrg, [city])[0]
        for seeded in city_places:
            district, streets, communities = seeded.place, seeded.streets, seeded.communities
            top = PartyOrg(name=f"中共{district.name}委员会", parent=city, path="", place=district)
            top.level, top.place_path = L.DISTRICT_COMMITTEE, district.path
            top = _orgs(PartyOrg, [top])[0]
            street_orgs = _orgs(PartyOrg, [
                PartyOrg(name=f"中共{s.name}工作委员会", parent=top, level=L.STREET_COMMITTEE,
                         path="", place=s, place_path=s.path) for s in streets
            ])  # fmt: skip
            by_street = {o.place_id: o for o in street_orgs}
            community_orgs = _orgs(PartyOrg, [
                PartyOrg(name=f"中共{c.name}委员会", parent=by_street[c.parent_id],
                         level=L.COMMUNITY_COMMITTEE, path="", place=c, place_path=c.path)
                for c in communities
            ])  # fmt: skip
            branches = _orgs(PartyOrg, [
                PartyOrg(name=f"{o.place.name}第{b + 1}党支部", parent=o, level=L.BRANCH, path="",
                         place=o.place, place_path=o.place_path)
                for o in community_orgs
                for b in range(BRANCHES)
            ])  # fmt: skip
            plan = []
            for branch in branches:
                short = rng.random() < 0.1
                for code, days in DAYS.items():
                    for month, day in days:
                        if short and rng.random() < 0.15:
                            continue
                        plan.append((branch, types[code], datetime.date(year, month, day)))
            activities = Activity.objects.bulk_create(
                (
                    Activity(
                        kind=Activity.Kind.BRANCH_MEETING,
                        title=f"{branch.name}{meeting_type.name_zh}",
                        place_id=branch.place_id,
                        place_path=branch.place_path,
                        venue="党群服务中心",
                        starts_at=datetime.datetime(day.year, day.month, day.day, 15, tzinfo=zone),
                        ends_at=datetime.datetime(day.year, day.month, day.day, 16, tzinfo=zone),
                        capacity=40,
                        status=Activity.Status.FINISHED,
                        created_by=creator,
                    )
                    for branch, meeting_type, day in plan
                ),
                batch_size=5000,
            )
            PartyMeeting.objects.bulk_create(
                (
                    PartyMeeting(
                        activity=activity,
                        org=branch,
                        org_path=branch.path,
                        meeting_type=meeting_type,
                        held_on=day,
                        expected=20,
                        present=17,
                        quorate=True,
                        minutes="纪要",
                        counted=True,
                    )
                    for activity, (branch, meeting_type, day) in zip(activities, plan, strict=True)
                ),
                batch_size=5000,
            )
        for meeting_type in types.values():
            tallies_rebuild(meeting_type)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def worker(districts: int) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from meihao.party.models import PartyMeeting, PartyOrg
    from meihao.people.models import User

    call_command("collectstatic", "--no-input", verbosity=0)
    seconds = seed(districts, random.Random(14))
    admin = User.objects.create_superuser("16799999999", "bench-only-password")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    year = timezone.localdate().year - 1
    city = PartyOrg.objects.get(parent__isnull=True, name="中共某市委员会")
    url = f"/party/compliance/?org={city.pk}&year={year}"
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    measured = page_against_raw_sql(
        client, url, b'id="summary"', RAW, [first, last], rounds=rounds(ROUNDS)
    )
    return {
        **measured,
        "seed_seconds": seconds,
        "branches": PartyOrg.objects.filter(level=PartyOrg.Level.BRANCH).count(),
        "meetings": PartyMeeting.objects.count(),
    }


def report(r: dict) -> bool:
    what = f"{r['branches']:,} branches, {r['meetings']:,} meetings"
    return report_page_against_raw_sql(r, what, GOAL)


def run(districts: int = DEFAULT_DISTRICTS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.party_compliance", report, "--districts", str(districts), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="districts", default=DEFAULT_DISTRICTS)
