"""Grid polygons: parsing GeoJSON boundaries and finding the grid that contains a point.

Coordinates are WGS-84 longitude/latitude, as GeoJSON orders them ([lon, lat]). Areas and
centroids are computed in degrees, which is accurate enough for districts a few kilometres wide.

`locate` answers from a shapely STRtree with the grid rows themselves, kept per process by a
`core.snapshot.ProcessSnapshot`, so a lookup costs no query. The boundary-changing services call
`boundaries_changed()` after commit; the number of grids, the number with a boundary, the
highest id and the latest `updated_at` are the fingerprint that catches changes made around
them, or in another process while the cache is per process.
"""

import copy
import json
import math
from dataclasses import dataclass

import shapely
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from meihao.core.errors import ValidationFailed
from meihao.core.snapshot import ProcessSnapshot
from meihao.places.models import Level, Place

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
BOUNDARY_TYPES = ("Polygon", "MultiPolygon")


def validate_point(lat, lon) -> tuple[float, float]:
    """(lat, lon) as floats inside the WGS-84 ranges, or ValidationFailed."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Latitude and longitude must be numbers."), code="invalid_point"
        ) from None
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise ValidationFailed(
            _("Latitude must be between -90 and 90."), code="invalid_point", field="lat"
        )
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise ValidationFailed(
            _("Longitude must be between -180 and 180."), code="invalid_point", field="lon"
        )
    return lat, lon


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def parse_boundary(boundary) -> BaseGeometry:
    """A valid, non-empty polygon from a GeoJSON Polygon or MultiPolygon (dict or JSON text)."""
    if isinstance(boundary, str):
        try:
            boundary = json.loads(boundary)
        except ValueError:
            raise ValidationFailed(
                _("The boundary is not valid JSON."), code="invalid_boundary", field="boundary"
            ) from None
    if not isinstance(boundary, dict) or boundary.get("type") not in BOUNDARY_TYPES:
        raise ValidationFailed(
            _("The boundary must be a GeoJSON Polygon or MultiPolygon."),
            code="invalid_boundary",
            field="boundary",
        )
    try:
        geometry = shape(boundary)
    except Exception:  # shapely raises several types for malformed coordinates
        raise ValidationFailed(
            _("The boundary's coordinates are malformed."),
            code="invalid_boundary",
            field="boundary",
        ) from None
    if geometry.is_empty:
        raise ValidationFailed(
            _("The boundary encloses no area."), code="invalid_boundary", field="boundary"
        )
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationFailed(
            _("The boundary lies outside the range of longitude and latitude."),
            code="invalid_boundary",
            field="boundary",
        )
    if not geometry.is_valid:
        raise ValidationFailed(
            _("The boundary is not a valid polygon (for example, it crosses itself)."),
            code="invalid_boundary",
            field="boundary",
        )
    if geometry.area <= 0:
        raise ValidationFailed(
            _("The boundary encloses no area."), code="invalid_boundary", field="boundary"
        )
    return geometry


def to_geojson(geometry: BaseGeometry) -> dict:
    """Plain JSON (lists, not tuples) for storing in a JSONField."""
    return json.loads(shapely.to_geojson(geometry))


def centroid_of(geometry: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of the polygon's centroid."""
    point = geometry.centroid
    return point.y, point.x


@dataclass(frozen=True)
class _GridIndex:
    tree: shapely.STRtree | None
    places: tuple[Place, ...]  # in code order, so the lowest index is the lowest code


def _grid_fingerprint() -> tuple:
    stats = Place.objects.filter(level=Level.GRID).aggregate(
        count=Count("pk"),
        shaped=Count("pk", filter=Q(boundary__isnull=False)),
        last_id=Max("pk"),
        last_change=Max("updated_at"),
    )
    return (stats["count"], stats["shaped"], stats["last_id"], stats["last_change"])


def _build_index() -> _GridIndex:
    geometries, places = [], []
    for place in Place.objects.filter(level=Level.GRID, boundary__isnull=False).order_by("code"):
        try:
            geometry = parse_boundary(place.boundary)
        except ValidationFailed:
            continue  # a broken boundary (written around the services) cannot contain points
        geometries.append(geometry)
        places.append(place)
    tree = shapely.STRtree(geometries) if geometries else None
    return _GridIndex(tree=tree, places=tuple(places))


GRID_INDEX = ProcessSnapshot("places:grid-index", build=_build_index, fingerprint=_grid_fingerprint)


def boundaries_changed() -> None:
    """Tell every process that grid boundaries changed. Call after commit."""
    GRID_INDEX.changed()


def _indexed_grid(lat, lon) -> Place | None:
    """The indexed grid row whose polygon covers the point; on a shared edge, the lowest code."""
    lat, lon = validate_point(lat, lon)
    index = GRID_INDEX.get()
    if index.tree is None:
        return None
    hits = index.tree.query(Point(lon, lat), predicate="covered_by")
    if len(hits) == 0:
        return None
    return index.places[int(hits.min())]


def locate_grid_id(lat, lon) -> int | None:
    """The id of the grid whose polygon covers the point; on a shared edge, the lowest code."""
    grid = _indexed_grid(lat, lon)
    return None if grid is None else grid.pk


def locate(lat, lon) -> Place | None:
    """The grid containing the point (not scoped: callers scope through selectors). A copy of
    the indexed row, so callers may change it without touching the index."""
    grid = _indexed_grid(lat, lon)
    return None if grid is None else copy.copy(grid)
