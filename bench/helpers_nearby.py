"""The nearest eligible time-bank helpers among 60,000 members, vs a brute-force scan (issue 4,
item 11b).

Seeding: the demo district's places, then N time-bank members (default 60,000, with a person
each) at uniformly random points over the district's area, each a member of the community
their point lies in; one in ten unavailable, three in ten offering one or two kinds of help
(the others any). Measured, for 200 random request points with a random kind of help: the real
`meihao.timebank.nearby.eligible_helpers(...)` (the 10 nearest eligible members within 800 m)
against a brute-force scan — every member loaded (id, point, community, availability, person
and skills), eligibility checked and the haversine distance computed in Python, sorted, the
first 10 kept. Both answers must be the same members in the same order. p50 and p95 of each,
interleaved; ratio = brute force / real. SQLite, then PostgreSQL.

    python -m bench.helpers_nearby [--members N] [--sqlite-only]
"""

import random
import statistics
import time

from bench._django import command_line, percentile, run_on_sqlite_and_postgresql, setup_django

DEFAULT_MEMBERS = 60_000
POINTS = 200
LIMIT = 10
GOAL = 20.0
BATCH = 5_000


def seed_members(count: int, seed: int = 11) -> tuple[float, tuple]:
    """Insert `count` members (and their people); returns (seconds, the district's box)."""
    from django.db import connection, transaction

    from meihao.cases.models import CaseCategory
    from meihao.people.models import Person
    from meihao.places import geo
    from meihao.places.models import PATH_SEPARATOR, Level, Place
    from meihao.timebank.models import TimeBankMember

    rng = random.Random(seed)
    district = Place.objects.get(level=Level.DISTRICT)
    ring = district.boundary["coordinates"][0]
    west, east = min(p[0] for p in ring), max(p[0] for p in ring)
    south, north = min(p[1] for p in ring), max(p[1] for p in ring)
    grids = {p.pk: p for p in Place.objects.filter(level=Level.GRID).only("pk", "path")}
    communities = {
        p.path: p.pk for p in Place.objects.filter(level=Level.COMMUNITY).only("pk", "path")
    }
    skills = list(
        CaseCategory.objects.filter(case_type__code="TIMEBANK", parent__isnull=False).values_list(
            "pk", flat=True
        )
    )
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            points, people = [], []
            while len(points) < size:
                lat, lon = rng.uniform(south, north), rng.uniform(west, east)
                grid_id = geo.locate_grid_id(lat, lon)
                if grid_id is None:
                    continue
                grid = grids[grid_id]
                points.append((lat, lon, grid))
                people.append(
                    Person(
                        real_name=f"会员{start + len(points):05d}",
                        home_place_id=grid.pk,
                        home_place_path=grid.path,
                        is_demo=True,
                    )
                )
            people = Person.objects.bulk_create(people)
            members = []
            for person, (lat, lon, grid) in zip(people, points, strict=True):
                codes = [c for c in grid.path.split(PATH_SEPARATOR) if c]
                community_path = PATH_SEPARATOR.join(codes[:3]) + PATH_SEPARATOR
                members.append(
                    TimeBankMember(
                        person=person,
                        community_id=communities[community_path],
                        community_path=community_path,
                        lat=lat,
                        lon=lon,
                        available=rng.random() >= 0.1,
                    )
                )
            members = TimeBankMember.objects.bulk_create(members)
            Through = TimeBankMember.skills.through
            Through.objects.bulk_create(
                [
                    Through(timebankmember_id=member.pk, casecategory_id=skill)
                    for member in members
                    if rng.random() < 0.3
                    for skill in rng.sample(skills, rng.choice((1, 2)))
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, (south, north, west, east)


def brute_force(lat, lon, community_path, category_id, radius, limit):
    """Every member loaded, eligibility and distance in Python (what an index saves)."""
    from meihao.cases.selectors import haversine_m
    from meihao.timebank.models import TimeBankMember

    skills: dict[int, set] = {}
    for member_id, category in TimeBankMember.skills.through.objects.values_list(
        "timebankmember_id", "casecategory_id"
    ):
        skills.setdefault(member_id, set()).add(category)
    found = []
    for pk, member_lat, member_lon, path, available in TimeBankMember.objects.values_list(
        "id", "lat", "lon", "community_path", "available"
    ):
        if not available or path != community_path:
            continue
        offered = skills.get(pk)
        if offered and category_id not in offered:
            continue
        distance = haversine_m(lat, lon, member_lat, member_lon)
        if distance <= radius:
            found.append((distance, pk))
    found.sort()
    return [pk for _distance, pk in found[:limit]]


def worker(members: int) -> dict:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from bench._seed import load_district
    from meihao.cases.models import CaseCategory
    from meihao.places import geo
    from meihao.places.models import PATH_SEPARATOR
    from meihao.timebank.models import TimeBankMember
    from meihao.timebank.nearby import eligible_helpers

    load_district()
    seed_seconds, (south, north, west, east) = seed_members(members)
    radius = settings.TIMEBANK_CIRCLE_METRES
    categories = list(CaseCategory.objects.filter(case_type__code="TIMEBANK", parent__isnull=False))
    rng = random.Random(7)
    requests = []
    while len(requests) < POINTS:
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        grid = geo.locate(lat, lon)
        if grid is None:
            continue
        codes = [c for c in grid.path.split(PATH_SEPARATOR) if c]
        path = PATH_SEPARATOR.join(codes[:3]) + PATH_SEPARATOR
        requests.append((lat, lon, path, rng.choice(categories)))

    def real(lat, lon, path, category):
        return [
            h.member.pk
            for h in eligible_helpers(
                lat=lat, lon=lon, community_path=path, category=category, limit=LIMIT
            )
        ]

    real(*requests[0])  # warm
    brute_force(*requests[0][:3], requests[0][3].pk, radius, LIMIT)
    times = {"real": [], "brute": []}
    agree, found = True, []
    for lat, lon, path, category in requests:
        started = time.perf_counter()
        answer = real(lat, lon, path, category)
        times["real"].append(time.perf_counter() - started)
        started = time.perf_counter()
        expected = brute_force(lat, lon, path, category.pk, radius, LIMIT)
        times["brute"].append(time.perf_counter() - started)
        agree = agree and answer == expected
        found.append(len(answer))
    return {
        "vendor": connection.vendor,
        "members": TimeBankMember.objects.count(),
        "seed_seconds": seed_seconds,
        "radius": radius,
        "agree": agree,
        "found_mean": statistics.mean(found),
        **{
            f"{name}_{q}": percentile(values, fraction) * 1000
            for name, values in times.items()
            for q, fraction in (("p50", 0.5), ("p95", 0.95))
        },
    }


def report(r: dict) -> bool:
    ratio50 = r["brute_p50"] / r["real_p50"]
    ratio95 = r["brute_p95"] / r["real_p95"]
    ok = r["agree"] and ratio95 >= GOAL
    print(
        f"[{r['vendor']}] {r['members']:,} members seeded in {r['seed_seconds']:.1f} s; "
        f"{POINTS} requests, the {LIMIT} nearest eligible within {r['radius']} m "
        f"({r['found_mean']:.1f} found on average)"
    )
    print(
        f"  eligible_helpers p50 / p95: {r['real_p50']:.2f} / {r['real_p95']:.2f} ms; "
        f"brute force: {r['brute_p50']:.1f} / {r['brute_p95']:.1f} ms; "
        f"faster p50 {ratio50:.1f}x, p95 {ratio95:.1f}x (goal >= {GOAL:.0f}x at p95: "
        f"{'met' if ratio95 >= GOAL else 'NOT met'}); same answers: {r['agree']}"
    )
    return ok


def run(members: int = DEFAULT_MEMBERS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.helpers_nearby", report, "--members", str(members), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="members", default=DEFAULT_MEMBERS)
