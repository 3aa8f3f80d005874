"""Reads of the place tree, always through the asking user's scope.

Every function starts from ``Place.objects.visible_to(user)`` (or the scoped managers of
buildings, venues and people), so a place outside the user's scope behaves as if it did not
exist: ``place_get`` raises NotFound, lists leave it out.
"""

from django.apps import apps
from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from meihao.core.errors import NotFound
from meihao.core.roles import Role
from meihao.core.scoping import scope_paths
from meihao.places import geo
from meihao.places.models import Building, Level, Place, Venue

# Columns a list of places needs; the boundary (large GeoJSON) is only read where it is drawn.
LIST_FIELDS = ("id", "code", "name", "level", "path", "centroid_lat", "centroid_lon")


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) subquery: one query for the whole list, not one per row."""
    counted = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def place_list(
    *, user, level: str | None = None, parent_code: str | None = None, q: str | None = None
) -> QuerySet:
    places = Place.objects.visible_to(user).only(*LIST_FIELDS)
    if level:
        places = places.filter(level=level)
    if parent_code:
        places = places.filter(parent__code=parent_code)
    if q and q.strip():
        term = q.strip()
        places = places.filter(Q(name__icontains=term) | Q(code__startswith=term))
    return places.order_by("path")


def place_get(*, user, code: str) -> Place:
    place = Place.objects.visible_to(user).filter(code=code).first()
    if place is None:
        raise NotFound()
    return place


def place_ancestors(*, user, place: Place) -> list[Place]:
    """The visible ancestors of `place`, from the root down (for breadcrumbs)."""
    codes = place.ancestor_codes()
    if not codes:
        return []
    return list(Place.objects.visible_to(user).filter(code__in=codes).only(*LIST_FIELDS))


def place_children(*, user, place: Place, q: str | None = None) -> QuerySet:
    """The visible children of `place`, each annotated with its number of visible children and
    of residents in its subtree the user may see (both correlated subqueries, so the list costs
    one query whatever its length). Residents are only meaningful where the user holds
    `abilities()["view_people"]`; callers hide the number elsewhere."""
    person_model = apps.get_model("people", "Person")
    children = (
        Place.objects.visible_to(user)
        .filter(parent=place)
        .annotate(
            child_count=_count(Place.objects.visible_to(user).filter(parent=OuterRef("pk"))),
            resident_count=_count(
                person_model.objects.visible_to(user).filter(
                    home_place_path__startswith=OuterRef("path")
                )
            ),
        )
        .order_by("code")
    )
    if q and q.strip():
        children = children.filter(name__icontains=q.strip())
    return children


def place_roots(*, user) -> list[Place]:
    """The outermost places the user's roles cover: where browsing starts."""
    if getattr(user, "is_superuser", False):
        return list(Place.objects.filter(parent__isnull=True).order_by("code"))
    paths = scope_paths(user, tuple(Role))
    if not paths:
        return []
    return list(Place.objects.visible_to(user).filter(path__in=paths).order_by("path"))


def place_buildings(*, user, place: Place) -> QuerySet:
    return (
        Building.objects.visible_to(user)
        .filter(place_path__startswith=place.path)
        .select_related("place")
        .order_by("place_path", "name")
    )


def place_venues(*, user, place: Place) -> QuerySet:
    return (
        Venue.objects.visible_to(user)
        .filter(place_path__startswith=place.path)
        .select_related("place")
        .order_by("place_path", "name")
    )


def grid_locate(*, user, lat, lon) -> Place:
    """The grid containing the point, if the user may see it; otherwise NotFound."""
    grid_id = geo.locate_grid_id(lat, lon)
    if grid_id is None:
        raise NotFound()
    place = Place.objects.visible_to(user).filter(pk=grid_id, level=Level.GRID).first()
    if place is None:
        raise NotFound()
    return place


# ---------------------------------------------------------------------------------------------
# The maps: the self-drawn base map and the search that moves a map's pin. Both read what a
# paper map of the district shows (names, addresses, outlines and positions; no people, no
# counts), so they are not scoped: a resident reports anywhere in the district.

SEARCH_RESULTS = 10
SEARCH_MAX_LENGTH = 50


def map_search(*, q: str) -> list[dict]:
    """Places, venues and buildings whose name (or address) holds every word of `q`, with a
    position: places first, coarse to fine, then venues, then buildings; at most SEARCH_RESULTS.
    """
    words = q.split()
    found: list[dict] = []

    def matching(queryset, fields):
        for word in words:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    places = matching(
        Place.objects.filter(centroid_lat__isnull=False, centroid_lon__isnull=False), ["name"]
    ).only("code", "name", "level", "centroid_lat", "centroid_lon")
    for place in places.order_by("path")[:SEARCH_RESULTS]:
        found.append(
            {
                "kind": place.level,
                "name": place.name,
                "detail": place.get_level_display(),
                "lat": place.centroid_lat,
                "lon": place.centroid_lon,
            }
        )
    for model, kind in ((Venue, "venue"), (Building, "building")):
        room = SEARCH_RESULTS - len(found)
        if room <= 0:
            break
        records = matching(
            model.objects.filter(lat__isnull=False, lon__isnull=False), ["name", "address"]
        ).select_related("place")
        for record in records.order_by("name", "pk")[:room]:
            found.append(
                {
                    "kind": kind,
                    "name": record.name,
                    "detail": record.address or record.place.name,
                    "lat": record.lat,
                    "lon": record.lon,
                }
            )
    return found[:SEARCH_RESULTS]
