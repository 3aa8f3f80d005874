"""Writes of the red-culture map: sites, themed blocks, flag streets and routes, kept by the
officials over the district, and guided visits scheduled as activities that walk a route.

Whatever is marked must lie inside the district: the deepest place of the tree whose outline
holds it becomes the record's place (a community, for a site in a town). A route's stops are
published sites of its district, each once, in the order given."""

import datetime
import json
from collections.abc import Sequence

import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from meihao.activities.models import Activity
from meihao.activities.services import activity_create, activity_publish, leads_team
from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers, has_role, scope_paths
from meihao.people.models import Team, led_team_ids
from meihao.places.geo import parse_boundary, to_geojson, validate_point
from meihao.places.models import CODE_LENGTH, Level, Place
from meihao.redculture.models import (
    MAX_STOPS,
    NAME_MAX,
    Block,
    FlagStreet,
    Route,
    RouteStop,
    RouteVisit,
    Site,
)

LINE_MAX_POINTS = 200


# --- who keeps the map ------------------------------------------------------------------------


def district_path(path: str) -> str:
    """The path of the district a place path lies in."""
    return path[: CODE_LENGTH[Level.DISTRICT] + 1]


def kept_districts(user) -> list[Place]:
    """The districts whose map the user keeps: the officials over the whole district."""
    paths = scope_paths(user, OFFICIALS)
    districts = Place.objects.filter(level=Level.DISTRICT).order_by("code")
    if getattr(user, "is_superuser", False):
        return list(districts)
    return [d for d in districts if any(d.path.startswith(p) for p in paths)]


def keeps_map(user) -> bool:
    return bool(kept_districts(user))


def _check_keeper(actor, path: str) -> None:
    # Anyone else gets the answer of a missing record: the map's back office is not theirs.
    if not covers(actor, district_path(path), OFFICIALS):
        raise NotFound()


# --- where things are -------------------------------------------------------------------------


def _place_covering(geometry: BaseGeometry, *, refusal: str, field: str) -> Place:
    """The deepest place above grid level whose outline covers `geometry`, inside a district
    (whose own outline, when it has one, must cover it too); else `refusal`."""
    covering, bounded = [], set()
    for place in Place.objects.filter(
        level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY), boundary__isnull=False
    ):
        try:
            outline = parse_boundary(place.boundary)
        except ValidationFailed:
            continue  # a broken outline (written around the services) holds nothing
        if place.level == Level.DISTRICT:
            bounded.add(place.path)
        if outline.covers(geometry):
            covering.append(place)
    found = max(covering, key=lambda place: len(place.path), default=None)
    # A district's own outline, when it has one, has the last word on what lies inside it.
    if (
        found is not None
        and district_path(found.path) in bounded
        and not any(place.path == district_path(found.path) for place in covering)
    ):
        found = None
    if found is None:
        raise ValidationFailed(refusal, code="outside_district", field=field)
    return found


def place_at(lat, lon) -> Place:
    """The place a site at (lat, lon) lies in, or a refusal: outside the district."""
    lat, lon = validate_point(lat, lon)
    return _place_covering(
        Point(lon, lat),
        refusal=_("This point lies outside the district: a red-culture site must be inside it."),
        field="lat",
    )


def _parse_line(line) -> BaseGeometry:
    refusal = _("Draw the flag street as a GeoJSON LineString of at least two points.")
    if isinstance(line, str):
        try:
            line = json.loads(line)
        except ValueError:
            raise ValidationFailed(refusal, code="invalid_line", field="line") from None
    coordinates = line.get("coordinates") if isinstance(line, dict) else None
    if (
        line.get("type") != "LineString"
        or not isinstance(coordinates, list)
        or not 2 <= len(coordinates) <= LINE_MAX_POINTS
    ):
        raise ValidationFailed(refusal, code="invalid_line", field="line")
    for position in coordinates:
        if not isinstance(position, list | tuple) or len(position) != 2:
            raise ValidationFailed(refusal, code="invalid_line", field="line")
        validate_point(position[1], position[0])
    geometry = shape(line)
    if geometry.length <= 0:
        raise ValidationFailed(refusal, code="invalid_line", field="line")
    return geometry


# --- sites ------------------------------------------------------------------------------------


def site_fields(*, name, kind, description, lat, lon) -> dict:
    name = clean_text(name, field="name", required=_("Give the site a name."), max_length=NAME_MAX)
    if kind not in Site.Kind.values:
        raise ValidationFailed(_("Choose what kind of site it is."), field="kind")
    description = clean_text(description, field="description", max_length=4000)
    lat, lon = validate_point(lat, lon)
    place = place_at(lat, lon)
    return {
        "name": name,
        "kind": kind,
        "description": description,
        "lat": lat,
        "lon": lon,
        "place": place,
        "place_path": place.path,
    }


def site_create(*, actor, name, kind, description="", lat, lon, published: bool = False) -> Site:
    if not keeps_map(actor):
        raise NotFound()
    fields = site_fields(name=name, kind=kind, description=description, lat=lat, lon=lon)
    _check_keeper(actor, fields["place_path"])
    with transaction.atomic():
        site = Site.objects.create(**fields, published=bool(published))
        audit_change(actor=actor, action="redculture.site_create", target=site)
    return site


def site_update(*, actor, site: Site, name, kind, description="", lat, lon) -> Site:
    _check_keeper(actor, site.place_path)
    fields = site_fields(name=name, kind=kind, description=description, lat=lat, lon=lon)
    _check_keeper(actor, fields["place_path"])
    return _update(actor, site, fields, action="redculture.site_update")


def _update(actor, record, fields: dict, *, action: str):
    with transaction.atomic():
        current = type(record).objects.select_for_update().get(pk=record.pk)
        diff = audit_changes(current, fields)
        if not diff:
            return current
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        audit_change(actor=actor, action=action, target=current, changes=diff)
    return current


def set_published(*, actor, record: Site | Block | FlagStreet | Route, published: bool):
    """Show a record to the public, or take it off. A site still a stop of a published route
    stays: the route would send walkers to a page that is gone."""
    _check_keeper(actor, record.place_path)
    model = type(record)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=record.pk)
        if current.published == bool(published):
            return current
        if (
            isinstance(current, Site)
            and not published
            and current.stops.filter(route__published=True).exists()
        ):
            raise ValidationFailed(
                _("This site is a stop of a published route: take it off the route first."),
                code="on_a_route",
            )
        if isinstance(current, Route) and published and current.stops.count() < 2:
            raise ValidationFailed(
                _("A route needs at least two stops before it is published."), code="too_short"
            )
        current.published = bool(published)
        current.save(update_fields=["published", "updated_at"])
        audit_change(
            actor=actor,
            action=f"redculture.{model._meta.model_name}_publish",
            target=current,
            changes={"published": [str(not current.published), str(current.published)]},
        )
    return current


# --- blocks and flag streets ------------------------------------------------------------------


def block_fields(*, name, theme, boundary) -> dict:
    name = clean_text(name, field="name", required=_("Give the block a name."), max_length=NAME_MAX)
    theme = clean_text(theme, field="theme", max_length=2000)
    geometry = parse_boundary(boundary)
    place = _place_covering(
        geometry,
        refusal=_("The block's outline lies outside the district: draw it inside."),
        field="boundary",
    )
    return {
        "name": name,
        "theme": theme,
        "boundary": to_geojson(geometry),
        "place": place,
        "place_path": place.path,
    }


def block_create(*, actor, name, theme="", boundary, published: bool = False) -> Block:
    if not keeps_map(actor):
        raise NotFound()
    fields = block_fields(name=name, theme=theme, boundary=boundary)
    _check_keeper(actor, fields["place_path"])
    with transaction.atomic():
        block = Block.objects.create(**fields, published=bool(published))
        audit_change(actor=actor, action="redculture.block_create", target=block)
    return block


def block_update(*, actor, block: Block, name, theme="", boundary) -> Block:
    _check_keeper(actor, block.place_path)
    fields = block_fields(name=name, theme=theme, boundary=boundary)
    _check_keeper(actor, fields["place_path"])
    return _update(actor, block, fields, action="redculture.block_update")


def flag_street_fields(*, name, note, line) -> dict:
    name = clean_text(
        name, field="name", required=_("Give the flag street a name."), max_length=NAME_MAX
    )
    note = clean_text(note, field="note", max_length=200)
    geometry = _parse_line(line)
    place = _place_covering(
        geometry,
        refusal=_("The flag street's line leaves the district: draw it inside."),
        field="line",
    )
    return {
        "name": name,
        "note": note,
        "line": json.loads(shapely.to_geojson(geometry)),
        "place": place,
        "place_path": place.path,
    }


def flag_street_create(*, actor, name, note="", line, published: bool = False) -> FlagStreet:
    if not keeps_map(actor):
        raise NotFound()
    fields = flag_street_fields(name=name, note=note, line=line)
    _check_keeper(actor, fields["place_path"])
    with transaction.atomic():
        street = FlagStreet.objects.create(**fields, published=bool(published))
        audit_change(actor=actor, action="redculture.flagstreet_create", target=street)
    return street


def flag_street_update(*, actor, street: FlagStreet, name, note="", line) -> FlagStreet:
    _check_keeper(actor, street.place_path)
    fields = flag_street_fields(name=name, note=note, line=line)
    _check_keeper(actor, fields["place_path"])
    return _update(actor, street, fields, action="redculture.flagstreet_update")


# --- routes -----------------------------------------------------------------------------------


def route_fields(*, name, description) -> dict:
    return {
        "name": clean_text(
            name, field="name", required=_("Give the route a name."), max_length=NAME_MAX
        ),
        "description": clean_text(description, field="description", max_length=4000),
    }


def route_create(*, actor, name, description="", district: Place | None = None) -> Route:
    """A draft route of a district the actor keeps (the first, unless `district` says)."""
    districts = kept_districts(actor)
    if district is not None:
        districts = [d for d in districts if d.pk == district.pk]
    if not districts:
        raise NotFound()
    fields = route_fields(name=name, description=description)
    with transaction.atomic():
        route = Route.objects.create(**fields, place_path=districts[0].path)
        audit_change(actor=actor, action="redculture.route_create", target=route)
    return route


def route_update(*, actor, route: Route, name, description="") -> Route:
    _check_keeper(actor, route.place_path)
    fields = route_fields(name=name, description=description)
    return _update(actor, route, fields, action="redculture.route_update")


def route_set_stops(*, actor, route: Route, sites: Sequence[Site]) -> list[RouteStop]:
    """The route's stops, replaced by `sites` in the order given (1, 2, …): published sites of
    the route's district, each once."""
    _check_keeper(actor, route.place_path)
    if len(sites) > MAX_STOPS:
        raise ValidationFailed(
            _("A route has at most %(count)d stops.") % {"count": MAX_STOPS}, field="sites"
        )
    ids = [site.pk for site in sites]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(
            _("A site appears twice on the route: each stop is visited once."),
            code="duplicate_stop",
            field="sites",
        )
    with transaction.atomic():
        current = Route.objects.select_for_update().get(pk=route.pk)
        fresh = Site.objects.in_bulk(ids)
        for pk in ids:
            site = fresh.get(pk)
            if site is None or not site.published:
                raise ValidationFailed(
                    _("Only published sites can be stops of a route."),
                    code="unpublished_stop",
                    field="sites",
                )
            if not site.place_path.startswith(current.place_path):
                raise ValidationFailed(
                    _("A stop lies outside the route's district."),
                    code="outside_district",
                    field="sites",
                )
        if current.published and len(ids) < 2:
            raise ValidationFailed(
                _("A published route keeps at least two stops."), code="too_short", field="sites"
            )
        before = list(current.stops.values_list("site_id", flat=True))
        current.stops.all().delete()
        stops = RouteStop.objects.bulk_create(
            RouteStop(route=current, site_id=pk, order=n) for n, pk in enumerate(ids, start=1)
        )
        current.save(update_fields=["updated_at"])
        audit_change(
            actor=actor,
            action="redculture.route_stops",
            target=current,
            changes={"stops": [before, ids]},
        )
    return stops


# --- guided visits ----------------------------------------------------------------------------

VISIT_CAPACITY = (1, 200)  # walkers a guide can lead through the old town's streets
VISIT_NOTE_MAX = 200
DESCRIPTION_MAX = 5000  # an activity's description


def schedules_visits(user) -> bool:
    """Who may schedule guided visits: the place officials (a visit in a place they cover) and
    the leaders of a team (a visit their team organises, meeting at the route's first stop)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or has_role(user, OFFICIALS):
        return True
    return led_team_ids(user).exists()


def _visit_place(actor, *, route: Route, first: Site, place: Place | None, team) -> Place:
    """The activity's place: the first stop's, or another the actor organises in. An official
    covering it organises the visit; otherwise only the leader of the organising team may, and
    only where the walkers meet."""
    place = place or first.place
    refusal = _(
        "Choose a place inside your area, or a team you lead to organise the visit at the "
        "route's first stop."
    )
    if place.level not in (Level.DISTRICT, Level.STREET, Level.COMMUNITY) or not (
        place.path.startswith(route.place_path)
    ):
        raise ValidationFailed(refusal, code="place_out_of_scope", field="place")
    if covers(actor, place.path, OFFICIALS):
        return place
    if place.pk != first.place_id or team is None or not leads_team(actor, team.pk):
        raise ValidationFailed(refusal, code="place_out_of_scope", field="place")
    return place


def _visit_description(route: Route, stops: list[RouteStop], note: str) -> str:
    walk = " → ".join(stop.site.name for stop in stops)
    head = "\n\n".join(part for part in (note, walk) if part)
    room = DESCRIPTION_MAX - len(head) - 2
    story = (
        route.description if len(route.description) <= room else route.description[: room - 1] + "…"
    )
    return "\n\n".join(part for part in (head, story) if part)


def route_visit_schedule(
    *,
    actor,
    route: Route | None,
    starts_at,
    ends_at,
    capacity,
    place: Place | None = None,
    organiser_team: Team | None = None,
    note="",
    venue="",
) -> RouteVisit:
    """A guided visit of a published route: a published cultural event meeting at its first
    stop (the venue and position walkers check in at), titled after the route, with the note
    and the stops in its description; sign-ups, check-ins and the figures are the activity's.

    Its place is the first stop's unless `place` names another the actor organises in (an
    official covering it); the leader of `organiser_team` may schedule one for the team at the
    first stop's place. Anything refused writes nothing."""
    if not schedules_visits(actor):
        raise PermissionDenied()
    if route is None or not route.published:
        raise ValidationFailed(
            _("Choose a published red-culture route."),
            code="unknown_route" if route is None else "not_published",
            field="route",
        )
    stops = list(
        route.stops.filter(site__published=True).select_related("site__place").order_by("order")
    )
    if len(stops) < 2:
        raise ValidationFailed(
            _("This route has no stops to walk yet: a guided visit needs at least two."),
            code="no_stops",
            field="route",
        )
    first = stops[0].site
    if organiser_team is not None and not (
        covers(actor, organiser_team.place_path, OFFICIALS) or leads_team(actor, organiser_team.pk)
    ):
        raise ValidationFailed(
            _("Choose a team of your area or one you lead."),
            code="team_out_of_scope",
            field="organiser_team",
        )
    place = _visit_place(actor, route=route, first=first, place=place, team=organiser_team)
    if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
        raise ValidationFailed(_("Enter the date and time the visit starts."), field="starts_at")
    if starts_at <= timezone.now():
        raise ValidationFailed(
            _("A guided visit is scheduled for a time still to come."),
            code="in_the_past",
            field="starts_at",
        )
    low, high = VISIT_CAPACITY
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not low <= capacity <= high:
        raise ValidationFailed(
            _("Give the number of places as a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
            code="out_of_range",
            field="capacity",
        )
    note = clean_text(note, field="note", max_length=VISIT_NOTE_MAX)
    venue = clean_text(venue, field="venue", max_length=120) or first.name
    with transaction.atomic():
        activity = activity_create(
            actor=actor,
            # An official covering the place passes the activities' own check; a team's leader
            # is authorised here, as the lecture desk authorises its teams' leaders.
            for_owner=not covers(actor, place.path, OFFICIALS),
            kind=Activity.Kind.CULTURAL_EVENT,
            title=_("Guided visit: %(route)s") % {"route": route.name},
            description=_visit_description(route, stops, note),
            organiser_team=organiser_team,
            place=place,
            venue=venue,
            lat=first.lat,
            lon=first.lon,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
        )
        activity = activity_publish(actor=actor, activity=activity)
        visit = RouteVisit.objects.create(activity=activity, route=route, scheduled_by=actor)
        audit_change(
            actor=actor,
            action="redculture.route_visit",
            target=route,
            changes={"activity": [None, str(activity.pk)]},
        )
    return visit
