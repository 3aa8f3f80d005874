"""/api/v1/places: the place tree as JSON. Parse, call a selector, serialise."""

from typing import Literal

from ninja import Field, Query, Router, Schema

from meihao.core.schemas import Limit, Offset
from meihao.places import selectors
from meihao.places.models import Place

router = Router()

DEFAULT_LIMIT = 50
CODE_PATTERN = r"^\d{6}(\d{3}){0,3}$"


class PlaceCentroidOut(Schema):
    lat: float
    lon: float


class PlaceAbilitiesOut(Schema):
    view: bool
    edit: bool
    view_people: bool


class PlaceOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    path: str
    centroid: PlaceCentroidOut | None
    abilities: PlaceAbilitiesOut


class PlaceRefOut(Schema):
    code: str
    name: str
    level: str


class PlaceDetailOut(PlaceOut):
    ancestors: list[PlaceRefOut]
    boundary: dict | None = Field(None, description="GeoJSON Polygon or MultiPolygon (WGS-84)")


class PlaceListOut(Schema):
    items: list[PlaceOut]
    count: int


class PlaceFilters(Schema):
    level: Literal["district", "street", "community", "grid"] | None = None
    parent: str | None = Field(None, pattern=CODE_PATTERN, description="the parent's code")
    q: str | None = Field(None, max_length=50, description="part of the name, or a code prefix")
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class PlacePointQuery(Schema):
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False)


def _place_out(place: Place, user) -> dict:
    centroid = None
    if place.centroid_lat is not None and place.centroid_lon is not None:
        centroid = {"lat": place.centroid_lat, "lon": place.centroid_lon}
    return {
        "code": place.code,
        "name": place.name,
        "level": place.level,
        "parent_code": place.parent_code,
        "path": place.path,
        "centroid": centroid,
        "abilities": place.abilities(user),
    }


@router.get("", response=PlaceListOut, summary="List the places you can see")
def list_places(request, filters: Query[PlaceFilters]):
    places = selectors.place_list(
        user=request.user, level=filters.level, parent_code=filters.parent, q=filters.q
    )
    page = places[filters.offset : filters.offset + filters.limit]
    return {"items": [_place_out(p, request.user) for p in page], "count": places.count()}


@router.get(
    "/locate",
    response=PlaceOut,
    summary="The grid containing a point (WGS-84)",
)
def locate_grid(request, point: Query[PlacePointQuery]):
    place = selectors.grid_locate(user=request.user, lat=point.lat, lon=point.lon)
    return _place_out(place, request.user)


@router.get("/{code}", response=PlaceDetailOut, summary="One place")
def get_place(request, code: str):
    place = selectors.place_get(user=request.user, code=code)
    ancestors = selectors.place_ancestors(user=request.user, place=place)
    return {
        **_place_out(place, request.user),
        "ancestors": [{"code": a.code, "name": a.name, "level": a.level} for a in ancestors],
        "boundary": place.boundary,
    }
