"""The self-drawn base map: the district's own streets, communities, grids, buildings and venues
as GeoJSON for one map view, so that every map is usable with no tile server at all.

A view asks with its bounding box and zoom. What it gets is bounded whatever it asks: each level
appears from a zoom on (a whole district's grids are not sent to a map showing the district),
outlines are simplified to half a pixel of that zoom and rounded to a micro-degree (about 0.1 m),
and at most MAX_FEATURES features are sent, the coarser levels first; `truncated` says when some
were left out.

The outlines are answered from a shapely STRtree over every place with a boundary, kept per
process by a `core.snapshot.ProcessSnapshot` like the grid index of `geo.locate`; buildings and
venues are read from the database by their coordinates.

Names and outlines are what a paper map of the district shows: no people, no household counts.
"""

from dataclasses import dataclass

import shapely
from django.db.models import Count, Max, Q
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from meihao.core.errors import ValidationFailed
from meihao.core.snapshot import ProcessSnapshot
from meihao.places import geo
from meihao.places.models import Building, Level, Place, Venue

MAX_ZOOM = 22
MAX_FEATURES = 1500
PRECISION_DEGREES = 1e-6
# The zoom from which each kind of feature is drawn, and the zooms at which its name is written
# (a name only where the shape is wide enough on screen for it: a demo grid is 120 m wide).
SHOWN_FROM = {
    Level.DISTRICT: 0,
    Level.STREET: 0,
    Level.COMMUNITY: 13,
    Level.GRID: 15,
    "venue": 16,
    "building": 17,
}
NAMED_AT = {
    Level.DISTRICT: range(0, 11),
    Level.STREET: range(11, 14),
    Level.COMMUNITY: range(14, 18),
    Level.GRID: range(17, MAX_ZOOM + 1),
    "venue": range(18, MAX_ZOOM + 1),
    "building": range(18, MAX_ZOOM + 1),
}
LEVEL_ORDER = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)


@dataclass(frozen=True)
class _Outline:
    code: str
    name: str
    level: str
    geometry: BaseGeometry
    label_at: tuple[float, float]  # (lon, lat) inside the outline


@dataclass(frozen=True)
class _OutlineIndex:
    tree: shapely.STRtree | None
    outlines: tuple[_Outline, ...]  # coarse levels first, then by code


def _fingerprint() -> tuple:
    stats = Place.objects.aggregate(
        count=Count("pk"),
        shaped=Count("pk", filter=Q(boundary__isnull=False)),
        last_id=Max("pk"),
        last_change=Max("updated_at"),
    )
    return (stats["count"], stats["shaped"], stats["last_id"], stats["last_change"])


def _build() -> _OutlineIndex:
    outlines = []
    rank: dict[str, int] = {level: i for i, level in enumerate(LEVEL_ORDER)}
    places = Place.objects.filter(boundary__isnull=False).only("code", "name", "level", "boundary")
    for place in sorted(places, key=lambda p: (rank.get(p.level, len(rank)), p.code)):
        try:
            geometry = geo.parse_boundary(place.boundary)
        except ValidationFailed:
            continue  # a broken boundary (written around the services) is not drawn
        point = geometry.representative_point()
        outlines.append(_Outline(place.code, place.name, place.level, geometry, (point.x, point.y)))
    tree = shapely.STRtree([o.geometry for o in outlines]) if outlines else None
    return _OutlineIndex(tree=tree, outlines=tuple(outlines))


OUTLINES = ProcessSnapshot("places:basemap-outlines", build=_build, fingerprint=_fingerprint)


def degrees_per_pixel(zoom: int) -> float:
    """Longitude degrees one screen pixel spans at `zoom` (256-pixel Web Mercator tiles)."""
    return 360.0 / (256 * 2**zoom)


def _rounded(value: float) -> float:
    return round(value, 6)


def _outline_feature(outline: _Outline, zoom: int, tolerance: float) -> dict:
    simplified = shapely.set_precision(
        outline.geometry.simplify(tolerance, preserve_topology=True), PRECISION_DEGREES
    )
    properties: dict[str, object] = {
        "kind": outline.level,
        "code": outline.code,
        "name": outline.name,
    }
    if zoom in NAMED_AT[outline.level]:
        properties["label_at"] = [_rounded(outline.label_at[0]), _rounded(outline.label_at[1])]
    return {"type": "Feature", "geometry": geo.to_geojson(simplified), "properties": properties}


def _point_feature(kind: str, record, zoom: int, **extra) -> dict:
    properties: dict[str, object] = {"kind": kind, "name": record.name, **extra}
    if zoom in NAMED_AT[kind]:
        properties["label_at"] = [_rounded(record.lon), _rounded(record.lat)]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [_rounded(record.lon), _rounded(record.lat)]},
        "properties": properties,
    }


def _within(model, west, south, east, north):
    """Rows with coordinates inside the box (a NULL coordinate is in no range)."""
    return model.objects.filter(lat__range=(south, north), lon__range=(west, east)).order_by("pk")


def features(*, west: float, south: float, east: float, north: float, zoom: int) -> dict:
    """The base map of the box at `zoom` as a GeoJSON FeatureCollection with `truncated`."""
    found: list[dict] = []
    truncated = False
    tolerance = degrees_per_pixel(zoom) / 2
    index = OUTLINES.get()
    if index.tree is not None:
        hits = sorted(int(i) for i in index.tree.query(box(west, south, east, north)))
        for i in hits:
            outline = index.outlines[i]
            if zoom < SHOWN_FROM[outline.level]:
                continue
            if len(found) == MAX_FEATURES:
                truncated = True
                break
            found.append(_outline_feature(outline, zoom, tolerance))
    placed = []
    # One row more than there is room for tells that some were left out.
    if zoom >= SHOWN_FROM["venue"]:
        room = max(MAX_FEATURES - len(found), 0) + 1
        venues = _within(Venue, west, south, east, north).only("name", "kind", "lat", "lon")
        placed += [("venue", v, {"venue_kind": v.get_kind_display()}) for v in venues[:room]]
    if zoom >= SHOWN_FROM["building"]:
        room = max(MAX_FEATURES - len(found) - len(placed), 0) + 1
        buildings = _within(Building, west, south, east, north).only("name", "lat", "lon")
        placed += [("building", b, {}) for b in buildings[:room]]
    for kind, record, extra in placed:
        if len(found) == MAX_FEATURES:
            truncated = True
            break
        found.append(_point_feature(kind, record, zoom, **extra))
    return {"type": "FeatureCollection", "features": found, "truncated": truncated}
