"""The nearest rows of a queryset to a point, nearest first: the kit behind "the helpers near a
request" (time bank) and "the providers near an elder" (home care).

The database does the narrowing: a bounding box on the rows' indexed `lat` and `lon`, widened
step by step until enough rows are found, ordered by an equirectangular approximation of the
distance, a few more rows than asked for. The great-circle (haversine) distance then decides,
exactly: the approximation is off by far less than APPROXIMATION_ERROR at these distances, so a
row left out by the database cannot be nearer than the last one kept; when that cannot be shown
(near ties at the cut), every row within the bound is fetched and measured instead.
"""

import math

from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import ExpressionWrapper

from meihao.places.geo import EARTH_RADIUS_M, haversine_m

# One degree of latitude on the sphere haversine_m uses, so both measure the same metres.
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
APPROXIMATION_ERROR = 0.005
# Rows fetched beyond the number asked for, so that rows dropped by the exact distance (a box
# corner lies outside the circle) rarely leave the answer short.
MARGIN = 20
# The search starts with these fractions of the radius and stops once it has enough.
REACHES = (1 / 8, 1 / 4, 1 / 2, 1)


def _boxed(rows: QuerySet, lat: float, lon: float, radius_m: float) -> QuerySet:
    # The box is widened by the approximation's error so that no row of the circle, however
    # close to its edge, falls outside it.
    dlat = radius_m * (1 + APPROXIMATION_ERROR) / METRES_PER_DEGREE
    shrink = max(math.cos(math.radians(lat)), 0.01)
    dlon = dlat / shrink
    # Squared distance in degrees of latitude: east-west degrees shrink by cos(latitude).
    squared = ExpressionWrapper(
        (F("lat") - lat) * (F("lat") - lat)
        + (F("lon") - lon) * shrink * ((F("lon") - lon) * shrink),
        output_field=FloatField(),
    )
    return rows.filter(
        lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon)
    ).annotate(squared=squared)


def nearest(
    rows: QuerySet,
    *,
    lat: float,
    lon: float,
    radius_m: float,
    limit: int,
    key: str = "pk",
    reaches: tuple[float, ...] = REACHES,
) -> list[tuple[float, int]]:
    """(distance in metres, key) of the `limit` rows of `rows` nearest (lat, lon) within
    `radius_m`, nearest first, ties by key. `rows` is already filtered to the eligible ones and
    has `lat` and `lon` columns; `key` is the field answered for each (its primary key, or the
    thing it stands for: a provider's offering answers the provider). `reaches` are the
    fractions of the radius searched in turn.

    The search widens from an eighth of the circle to all of it and stops as soon as `limit`
    rows are found: they are then the nearest of all, since every row not yet searched is
    farther. In a dense old town the first, small box holds enough. The box is one more
    condition: the rows' index should put their equality columns before lat and lon (a time-bank
    member's activity, a provider's item), so that the box reads only rows that qualify.
    """
    found: list[tuple[float, int]] = []
    for reach in reaches:
        found = _nearest_within(rows, lat, lon, radius_m * reach, limit, key)
        if len(found) >= limit:
            break
    return found


def _nearest_within(rows, lat, lon, radius_m, limit, key) -> list[tuple[float, int]]:
    boxed = _boxed(rows, lat, lon, radius_m)
    fetch = limit + MARGIN
    columns = (key, "lat", "lon", "squared")
    fetched = list(boxed.order_by("squared", key).values_list(*columns)[:fetch])
    found = _within(fetched, lat, lon, radius_m)
    if len(fetched) == fetch:
        # Rows not fetched are at least this far (approximately) from the point.
        unfetched = math.sqrt(fetched[-1][3]) * METRES_PER_DEGREE * (1 - APPROXIMATION_ERROR)
        needed = found[limit - 1][0] if len(found) >= limit else radius_m
        if unfetched <= needed:
            bound = (needed * (1 + APPROXIMATION_ERROR) / METRES_PER_DEGREE) ** 2
            fetched = list(boxed.filter(squared__lte=bound).values_list(*columns))
            found = _within(fetched, lat, lon, radius_m)
    return found[:limit]


def _within(rows, lat, lon, radius_m) -> list[tuple[float, int]]:
    measured = []
    for pk, row_lat, row_lon, _squared in rows:
        distance = haversine_m(lat, lon, row_lat, row_lon)
        if distance <= radius_m:
            measured.append((distance, pk))
    measured.sort()
    return measured
