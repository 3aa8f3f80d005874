"""Offering a home-care order: the eligible providers nearest an elder among 73,000 (a city at
100 times the article's 730), vs a scan (issue 12).

Seeding: the demo district's places, then N providers (default 73,000: an organisation each)
at uniformly random points over a city around the district — ten times its width and its
height, so that a hundredth of them (the article's 730) lie in the district itself, as a city
of a hundred such districts would have it. Those in the district serve the community their
point lies in (one in twenty the whole district); of those outside, one in twenty serves the
district too (a city-wide firm), the others only places of their own, outside the tree. Each
offers one to four items of the catalogue, is open 8:00 to 20:00 or 7:00 to 21:00; one in ten
is inactive. Measured, for 200 random homes with a random item
at a random daytime hour: the real `meihao.care.eligibility.providers_near(...)` (the 5
nearest eligible within CARE_PROVIDER_REACH_METRES) against a scan — every provider loaded with
its items and areas, eligibility checked and the haversine distance computed in Python, sorted,
the first 5 kept. Both must answer the same providers in the same order. p50 and p95 of each,
interleaved; ratio = scan / real. SQLite, then PostgreSQL.

    python -m bench.providers_nearby [--providers N] [--sqlite-only]
"""

import datetime
import random
import statistics
import time

from bench._django import command_line, percentile, run_on_sqlite_and_postgresql, setup_django

DEFAULT_PROVIDERS = 73_000
HOMES = 200
LIMIT = 5
GOAL = 20.0
BATCH = 5_000
HOURS = ((8, 20), (7, 21))


def seed_providers(count: int, seed: int = 12) -> tuple[float, tuple]:
    """Insert `count` providers with their organisations, items and areas; returns (seconds,
    the district's box)."""
    from django.db import connection, transaction

    from meihao.care.models import CareService, Provider, ProviderArea, ProviderService
    from meihao.people.models import Organisation
    from meihao.places import geo
    from meihao.places.models import PATH_SEPARATOR, Level, Place

    rng = random.Random(seed)
    district = Place.objects.get(level=Level.DISTRICT)
    ring = district.boundary["coordinates"][0]
    west, east = min(p[0] for p in ring), max(p[0] for p in ring)
    south, north = min(p[1] for p in ring), max(p[1] for p in ring)
    # The city: ten times the district's width and height, the district at its centre.
    width, height = east - west, north - south
    city = (south - 4.5 * height, north + 4.5 * height, west - 4.5 * width, east + 4.5 * width)
    grids = {p.pk: p.path for p in Place.objects.filter(level=Level.GRID).only("pk", "path")}
    communities = {
        p.path: p.pk for p in Place.objects.filter(level=Level.COMMUNITY).only("pk", "path")
    }
    items = list(
        CareService.objects.filter(activity_kind="").values_list("pk", flat=True).order_by("pk")
    )
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            spots = []
            for _n in range(size):
                lat, lon = rng.uniform(city[0], city[1]), rng.uniform(city[2], city[3])
                grid_id = geo.locate_grid_id(lat, lon)
                if grid_id is None:  # outside the district: placed under it, serving it or not
                    spots.append((lat, lon, district.path, rng.random() < 0.05))
                    continue
                codes = [c for c in grids[grid_id].split(PATH_SEPARATOR) if c]
                community = PATH_SEPARATOR.join(codes[:3]) + PATH_SEPARATOR
                spots.append((lat, lon, community, rng.random() < 0.05))
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"服务商{start + n:06d}",
                        kind=Organisation.Kind.MERCHANT,
                        place_id=communities.get(path, district.pk),
                        place_path=path,
                    )
                    for n, (_lat, _lon, path, _whole) in enumerate(spots)
                ]
            )
            providers = []
            for organisation, (lat, lon, path, _whole) in zip(organisations, spots, strict=True):
                opens, closes = rng.choice(HOURS)
                providers.append(
                    Provider(
                        organisation=organisation,
                        kind=Provider.Kind.MERCHANT,
                        place_path=path,
                        lat=lat,
                        lon=lon,
                        opens_at=datetime.time(opens),
                        closes_at=datetime.time(closes),
                        is_active=rng.random() >= 0.1,
                    )
                )
            providers = Provider.objects.bulk_create(providers)
            ProviderService.objects.bulk_create(
                [
                    ProviderService(provider_id=p.pk, service_id=item, lat=p.lat, lon=p.lon)
                    for p in providers
                    for item in rng.sample(items, rng.randint(1, 4))
                ]
            )
            areas = []
            for provider, (_lat, _lon, path, whole) in zip(providers, spots, strict=True):
                if whole:
                    areas.append(
                        ProviderArea(
                            provider_id=provider.pk, place=district, place_path=district.path
                        )
                    )
                elif path in communities:
                    areas.append(
                        ProviderArea(
                            provider_id=provider.pk, place_id=communities[path], place_path=path
                        )
                    )
            ProviderArea.objects.bulk_create(areas)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, (south, north, west, east)


def scan(item_id, place_path, lat, lon, hour, radius, limit):
    """Every provider loaded with its items and areas, eligibility and distance in Python."""
    from meihao.care.models import Provider, ProviderArea, ProviderService
    from meihao.places.geo import haversine_m

    offering = set(
        ProviderService.objects.filter(service_id=item_id).values_list("provider_id", flat=True)
    )
    serving = set(
        ProviderArea.objects.filter(
            place_path__in=[place_path[: i + 1] for i, c in enumerate(place_path) if c == "/"]
        ).values_list("provider_id", flat=True)
    )
    found = []
    for pk, p_lat, p_lon, active, opens, closes in Provider.objects.values_list(
        "pk", "lat", "lon", "is_active", "opens_at", "closes_at"
    ):
        if not active or pk not in offering or pk not in serving or not opens <= hour < closes:
            continue
        distance = haversine_m(lat, lon, p_lat, p_lon)
        if distance <= radius:
            found.append((distance, pk))
    found.sort()
    return [pk for _distance, pk in found[:limit]]


def worker(providers: int) -> dict:
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from bench._seed import load_district
    from meihao.care.eligibility import providers_near, reach_metres
    from meihao.care.models import CareService, Provider
    from meihao.places import geo

    load_district()
    seed_seconds, (south, north, west, east) = seed_providers(providers)
    radius = reach_metres()
    services = list(CareService.objects.filter(activity_kind=""))
    rng = random.Random(8)
    homes = []
    today = timezone.localdate()
    while len(homes) < HOMES:
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        grid = geo.locate(lat, lon)
        if grid is None:
            continue
        hour = datetime.time(rng.randrange(8, 20), rng.choice((0, 30)))
        at = timezone.make_aware(datetime.datetime.combine(today, hour))
        homes.append((lat, lon, grid.path, rng.choice(services), at, hour))

    def real(lat, lon, path, service, at):
        found = providers_near(
            service=service, place_path=path, lat=lat, lon=lon, at=at, limit=LIMIT
        )
        return [p.provider_id for p in found]

    real(*homes[0][:5])  # warm
    times = {"real": [], "scan": []}
    agree, found = True, []
    for lat, lon, path, service, at, hour in homes:
        started = time.perf_counter()
        answer = real(lat, lon, path, service, at)
        times["real"].append(time.perf_counter() - started)
        started = time.perf_counter()
        expected = scan(service.pk, path, lat, lon, hour, radius, LIMIT)
        times["scan"].append(time.perf_counter() - started)
        agree = agree and answer == expected
        found.append(len(answer))
    return {
        "vendor": connection.vendor,
        "providers": Provider.objects.count(),
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
    ratio50 = r["scan_p50"] / r["real_p50"]
    ratio95 = r["scan_p95"] / r["real_p95"]
    print(
        f"[{r['vendor']}] {r['providers']:,} providers seeded in {r['seed_seconds']:.1f} s; "
        f"{HOMES} orders offered to the {LIMIT} nearest eligible within {r['radius']} m "
        f"({r['found_mean']:.1f} found on average)"
    )
    print(
        f"  providers_near p50 / p95: {r['real_p50']:.2f} / {r['real_p95']:.2f} ms; "
        f"scan: {r['scan_p50']:.1f} / {r['scan_p95']:.1f} ms; "
        f"faster p50 {ratio50:.1f}x, p95 {ratio95:.1f}x (goal >= {GOAL:.0f}x at p95: "
        f"{'met' if ratio95 >= GOAL else 'NOT met'}); same answers: {r['agree']}"
    )
    return r["agree"] and ratio95 >= GOAL


def run(providers: int = DEFAULT_PROVIDERS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.providers_nearby", report, "--providers", str(providers), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="providers", default=DEFAULT_PROVIDERS)
