"""Reads of the red-culture map. Everything the public sees is published; anything else is a
404 as a wrong address is."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import Point

from meihao.activities.models import Activity, SignUp
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_q
from meihao.people.models import Team, led_team_ids
from meihao.places.geo import haversine_m, parse_boundary
from meihao.places.models import Level, Place
from meihao.redculture.models import CODE_LENGTH, Block, FlagStreet, Route, RouteVisit, Site


def published_sites():
    return Site.objects.published().select_related("place").order_by("place_path", "name", "pk")


def published_blocks():
    return Block.objects.published().select_related("place").order_by("name", "pk")


def published_flag_streets():
    return FlagStreet.objects.published().select_related("place").order_by("name", "pk")


def published_routes():
    return Route.objects.published().annotate(stop_count=Count("stops")).order_by("name", "pk")


def map_features(sites, blocks, flag_streets) -> dict:
    """The map's layers as one GeoJSON collection; every name is text for `Meihao.text`."""
    features = [
        {
            "type": "Feature",
            "geometry": block.boundary,
            "properties": {"role": "block", "name": block.name},
        }
        for block in blocks
    ]
    features += [
        {
            "type": "Feature",
            "geometry": street.line,
            "properties": {"role": "flag_street", "name": street.name},
        }
        for street in flag_streets
    ]
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
            "properties": {
                "role": "site",
                "name": site.name,
                "kind": str(site.get_kind_display()),
                "url": reverse("redculture:site", args=[site.code]),
            },
        }
        for site in sites
    ]
    return {"type": "FeatureCollection", "features": features}


def site_public_get(code: str) -> Site:
    site = None
    if isinstance(code, str) and len(code) == CODE_LENGTH:
        site = published_sites().filter(code=code).first()
    if site is None:
        raise NotFound()
    return site


def route_public_get(pk) -> Route:
    text = str(pk)
    route = None
    if text.isdigit() and len(text) <= 18:
        route = published_routes().filter(pk=int(text)).first()
    if route is None:
        raise NotFound()
    return route


@dataclass(frozen=True)
class Leg:
    order: int
    site: Site
    metres: float | None  # from the stop before; None for the first


def route_legs(route: Route) -> tuple[list[Leg], float]:
    """The route's published stops in order, each with the straight-line walking distance from
    the one before, and the total."""
    stops = route.stops.filter(site__published=True).select_related("site").order_by("order")
    legs, total, before = [], 0.0, None
    for stop in stops:
        metres = None
        if before is not None:
            metres = haversine_m(before.lat, before.lon, stop.site.lat, stop.site.lon)
            total += metres
        legs.append(Leg(stop.order, stop.site, metres))
        before = stop.site
    return legs, total


def blocks_holding(site: Site) -> list[Block]:
    point = Point(site.lon, site.lat)
    return [b for b in published_blocks() if parse_boundary(b.boundary).covers(point)]


def routes_through(site: Site):
    return published_routes().filter(stops__site=site).distinct()


UPCOMING_SHOWN = 20  # a route's visits to come: a season's worth, never a long list


def upcoming_visits(route: Route):
    """Guided visits of the route still to come (or under way), open to sign-ups, soonest
    first, each with `places_left`: the capacity less the confirmed sign-ups (the waiting list
    takes any more)."""
    confirmed = Count(
        "activity__signups", filter=Q(activity__signups__status=SignUp.Status.CONFIRMED)
    )
    return (
        RouteVisit.objects.filter(
            route=route,
            activity__status=Activity.Status.PUBLISHED,
            activity__ends_at__gt=timezone.now(),
        )
        .select_related("activity")
        .annotate(places_left=Greatest(F("activity__capacity") - confirmed, Value(0)))
        .order_by("activity__starts_at", "pk")
    )


# --- scheduling a visit: the choices the form offers ------------------------------------------


def visit_routes():
    """The routes a guided visit can walk: the published ones."""
    return Route.objects.published().order_by("name", "pk")


def visit_places(user):
    """Places besides the first stop's that the user may hold a visit in: the district, streets
    and communities their official roles cover."""
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS),
        level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY),
    ).order_by("path")


def visit_teams(user):
    """Teams that may organise a visit the user schedules: those of their area, and those they
    lead."""
    return Team.objects.filter(
        scope_q(user, path_field="place_path", roles=OFFICIALS) | Q(pk__in=led_team_ids(user))
    ).order_by("place_path", "name")


def visits_held(route: Route) -> int:
    return RouteVisit.objects.filter(route=route, activity__status=Activity.Status.FINISHED).count()
