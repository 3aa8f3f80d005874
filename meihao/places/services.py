"""Every write to the place tree: keyword-only, one transaction each, audited.

Validation happens before anything is written, so a bad input raises ValidationFailed and
changes nothing. Authorisation (``Place.abilities(user)["edit"]``) is the caller's job: these
functions are also used by the admin and by data loaders acting for the system.
"""

import math

from django.db import transaction
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import ValidationFailed
from meihao.core.inputs import clean_text
from meihao.places import basemap, geo
from meihao.places.models import CODE_LENGTH, PARENT_LEVEL, Building, Level, Place, Venue, path_for

NAME_MAX_LENGTH = 100
# Buildings sit in a grid, or directly in a community not yet divided into grids.
BUILDING_LEVELS = (Level.GRID, Level.COMMUNITY)


def _clean_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Please enter a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            _("A name has at most %(count)d characters.") % {"count": NAME_MAX_LENGTH},
            field="name",
        )
    return name


def validate_place_code(*, code, level, parent) -> str:
    """The code, checked against its level and parent (national division-code rules:
    district 6 digits, street 9, community 12, grid 15, each extending its parent's code)."""
    if level not in Level.values:
        raise ValidationFailed(_("Unknown level of place."), field="level")
    level = Level(level)
    code = (code or "").strip()
    length = CODE_LENGTH[level]
    if len(code) != length or not code.isascii() or not code.isdigit():
        raise ValidationFailed(
            _("The code of a %(level)s has %(length)d digits.")
            % {"level": level.label, "length": length},
            code="invalid_code",
            field="code",
        )
    if level == Level.DISTRICT:
        if parent is not None:
            raise ValidationFailed(
                _("A district has no parent place."), code="invalid_parent", field="parent"
            )
        return code
    wanted = PARENT_LEVEL[level]
    if parent is None or parent.level != wanted:
        raise ValidationFailed(
            _("A %(level)s must belong to a %(parent_level)s.")
            % {"level": level.label, "parent_level": Level(wanted).label},
            code="invalid_parent",
            field="parent",
        )
    if not code.startswith(parent.code):
        raise ValidationFailed(
            _("The code must start with the parent's code %(parent_code)s.")
            % {"parent_code": parent.code},
            code="invalid_code",
            field="code",
        )
    return code


def _boundary_fields(boundary) -> dict:
    if boundary is None:
        return {"boundary": None, "centroid_lat": None, "centroid_lon": None}
    geometry = geo.parse_boundary(boundary)
    lat, lon = geo.centroid_of(geometry)
    return {"boundary": geo.to_geojson(geometry), "centroid_lat": lat, "centroid_lon": lon}


def _clean_point(lat, lon) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), field="lat")
    return geo.validate_point(lat, lon)


def place_create(*, actor, code: str, name: str, level: str, parent: Place | None, boundary=None):
    code = validate_place_code(code=code, level=level, parent=parent)
    name = _clean_name(name)
    fields = _boundary_fields(boundary)
    with transaction.atomic():
        if Place.objects.filter(code=code).exists():
            raise ValidationFailed(
                _("A place with code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
                field="code",
            )
        place = Place.objects.create(
            code=code, name=name, level=level, parent=parent, path=path_for(code, parent), **fields
        )
        audit_change(
            actor=actor,
            action="place.create",
            target=place,
            changes={"code": code, "name": name, "level": level, "path": place.path},
        )
        if boundary is not None:
            transaction.on_commit(_outlines_changed)
    return place


def _outlines_changed() -> None:
    """Rebuild, in every process, the grid index and the base map's outlines."""
    geo.boundaries_changed()
    basemap.OUTLINES.changed()


def place_rename(*, actor, place: Place, name: str) -> Place:
    name = _clean_name(name)
    with transaction.atomic():
        changes = audit_changes(place, {"name": name})
        if changes:
            place.name = name
            place.save(update_fields=["name", "updated_at"])
            audit_change(actor=actor, action="place.rename", target=place, changes=changes)
            transaction.on_commit(basemap.OUTLINES.changed)  # the base map writes the name
    return place


def place_update_boundary(*, actor, place: Place, boundary) -> Place:
    """Replace (or, with None, remove) the boundary; the centroid follows it."""
    fields = _boundary_fields(boundary)
    with transaction.atomic():
        changes = audit_changes(place, {"centroid_lat": fields["centroid_lat"]})
        changes.update(audit_changes(place, {"centroid_lon": fields["centroid_lon"]}))
        changes["boundary"] = [
            "set" if place.boundary else None,
            "set" if fields["boundary"] else None,
        ]
        for field, value in fields.items():
            setattr(place, field, value)
        place.save(update_fields=[*fields, "updated_at"])
        audit_change(actor=actor, action="place.update_boundary", target=place, changes=changes)
        transaction.on_commit(_outlines_changed)
    return place


def _clean_optional_count(value, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationFailed(_("Enter a whole number of at least 0."), field=field)
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise ValidationFailed(_("Enter a whole number of at least 0."), field=field)
    return int(value)


def building_create(
    *,
    actor,
    place: Place,
    name: str,
    address: str = "",
    lat=None,
    lon=None,
    floors=None,
    households=None,
) -> Building:
    if place.level not in BUILDING_LEVELS:
        raise ValidationFailed(
            _("A building belongs to a grid or a community."), code="invalid_place", field="place"
        )
    name = _clean_name(name)
    lat, lon = _clean_point(lat, lon)
    floors = _clean_optional_count(floors, "floors")
    households = _clean_optional_count(households, "households")
    with transaction.atomic():
        building = Building.objects.create(
            place=place,
            place_path=place.path,
            name=name,
            address=(address or "").strip(),
            lat=lat,
            lon=lon,
            floors=floors,
            households=households,
        )
        audit_change(
            actor=actor,
            action="building.create",
            target=building,
            changes={"name": name, "place": place.code},
        )
    return building


def venue_create(
    *,
    actor,
    place: Place,
    name: str,
    kind: str,
    address: str = "",
    lat=None,
    lon=None,
    capacity=None,
    opening_hours: str = "",
    opens_at=None,
    closes_at=None,
    bookable: bool = False,
    needs_approval: bool = False,
    equipment: str = "",
) -> Venue:
    if kind not in Venue.Kind.values:
        raise ValidationFailed(_("Unknown kind of venue."), field="kind")
    name = _clean_name(name)
    lat, lon = _clean_point(lat, lon)
    capacity = _clean_optional_count(capacity, "capacity")
    if (opens_at is None) != (closes_at is None) or (opens_at and opens_at >= closes_at):
        raise ValidationFailed(
            _("Give both the opening and the closing time, the opening first, or neither."),
            field="opens_at",
        )
    equipment = clean_text(equipment, field="equipment", max_length=200)
    with transaction.atomic():
        venue = Venue.objects.create(
            place=place,
            place_path=place.path,
            name=name,
            kind=kind,
            address=(address or "").strip(),
            lat=lat,
            lon=lon,
            capacity=capacity,
            opening_hours=(opening_hours or "").strip(),
            opens_at=opens_at,
            closes_at=closes_at,
            bookable=bool(bookable),
            needs_approval=bool(needs_approval),
            equipment=equipment,
        )
        audit_change(
            actor=actor,
            action="venue.create",
            target=venue,
            changes={"name": name, "kind": kind, "place": place.code},
        )
    return venue
