"""The nearest eligible helpers for a help request: the "10-minute service circle" (十分钟服务圈).

Eligible: members of the request's community who are available, offer the kind of help asked
for (or list no particular kind), are not the person helped or paying, and are within the
circle (TIMEBANK_CIRCLE_METRES, 800 m by default).

The database does the narrowing: a bounding box on the indexed (community, available, lat,
lon), widened step by step until enough members are found, ordered by an equirectangular
approximation of the distance, a few more rows than asked for. The great-circle (haversine)
distance then decides, exactly: the approximation is off by far less than APPROXIMATION_ERROR
at these distances, so a member left out by the database cannot be nearer than the last one
kept; when that cannot be shown (near ties at the cut), every member within the bound is
fetched and measured instead.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FloatField, Q
from django.db.models.expressions import ExpressionWrapper

from meihao.places.geo import EARTH_RADIUS_M, haversine_m
from meihao.timebank.models import TimeBankMember

# One degree of latitude on the sphere haversine_m uses, so both measure the same metres.
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
APPROXIMATION_ERROR = 0.005
# Rows fetched beyond the number asked for, so that members dropped by the exact distance (a
# box corner lies outside the circle) rarely leave the answer short.
MARGIN = 20


@dataclass(frozen=True)
class NearbyHelper:
    member: TimeBankMember
    distance_m: float


def circle_metres() -> int:
    return settings.TIMEBANK_CIRCLE_METRES


def _eligible(*, lat, lon, community_path, category, exclude_people, radius_m):
    # The box is widened by the approximation's error so that no member of the circle, however
    # close to its edge, falls outside it.
    dlat = radius_m * (1 + APPROXIMATION_ERROR) / METRES_PER_DEGREE
    shrink = max(math.cos(math.radians(lat)), 0.01)
    dlon = dlat / shrink
    members = TimeBankMember.objects.filter(
        community_path=community_path,
        available=True,
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    )
    if category is not None:
        members = members.filter(Q(skills=category) | Q(skills__isnull=True))
    if exclude_people:
        members = members.exclude(person_id__in=list(exclude_people))
    # Squared distance in degrees of latitude: east-west degrees shrink by cos(latitude).
    squared = ExpressionWrapper(
        (F("lat") - lat) * (F("lat") - lat)
        + (F("lon") - lon) * shrink * ((F("lon") - lon) * shrink),
        output_field=FloatField(),
    )
    return members.annotate(squared=squared)


def eligible_helpers(
    *,
    lat: float,
    lon: float,
    community_path: str,
    category=None,
    exclude_people=(),
    radius_m: int | None = None,
    limit: int = 10,
) -> list[NearbyHelper]:
    """The `limit` nearest eligible members within the circle around (lat, lon), nearest first
    (ties by member id), each with its great-circle distance in metres.

    The search widens from an eighth of the circle to all of it and stops as soon as `limit`
    members are found: they are then the nearest of all, since everyone not yet searched is
    farther. In a dense old town the first, small box holds enough neighbours.
    """
    radius_m = radius_m or circle_metres()
    arguments = {
        "lat": lat,
        "lon": lon,
        "community_path": community_path,
        "category": category,
        "exclude_people": exclude_people,
    }
    for reach in (radius_m / 8, radius_m / 4, radius_m / 2, radius_m):
        found = _nearest_within(**arguments, radius_m=reach, limit=limit)
        if len(found) >= limit:
            break
    loaded = TimeBankMember.objects.select_related("person__user").in_bulk(
        [pk for _distance, pk in found]
    )
    return [NearbyHelper(loaded[pk], distance) for distance, pk in found]


def _nearest_within(*, radius_m, limit, **arguments) -> list[tuple[float, int]]:
    """(distance, member id) of the `limit` nearest eligible members within `radius_m`."""
    members = _eligible(**arguments, radius_m=radius_m)
    lat, lon = arguments["lat"], arguments["lon"]
    fetch = limit + MARGIN
    columns = ("id", "lat", "lon", "squared")
    rows = list(members.order_by("squared", "id").values_list(*columns)[:fetch])
    found = _within(rows, lat, lon, radius_m)
    if len(rows) == fetch:
        # Members not fetched are at least this far (approximately) from the point.
        unfetched = math.sqrt(rows[-1][3]) * METRES_PER_DEGREE * (1 - APPROXIMATION_ERROR)
        needed = found[limit - 1][0] if len(found) >= limit else radius_m
        if unfetched <= needed:
            bound = (needed * (1 + APPROXIMATION_ERROR) / METRES_PER_DEGREE) ** 2
            rows = list(members.filter(squared__lte=bound).values_list(*columns))
            found = _within(rows, lat, lon, radius_m)
    return found[:limit]


def _within(rows, lat, lon, radius_m) -> list[tuple[float, int]]:
    measured = []
    for pk, member_lat, member_lon, _squared in rows:
        distance = haversine_m(lat, lon, member_lat, member_lon)
        if distance <= radius_m:
            measured.append((distance, pk))
    measured.sort()
    return measured
