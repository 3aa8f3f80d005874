"""Reads of venue bookings: the bookable venues everyone logged in browses, a venue's coming
slots (who holds each only for the venue's officials and the booker), the teams and
organisations a user may book for, one's own bookings and the requests an official decides."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.roles import OFFICIALS, ORGANISATION_ROLES
from meihao.core.scoping import has_role, in_subtree, organisation_ids, scope_q
from meihao.people.models import Organisation, Team, led_team_ids
from meihao.places.models import Level, Place, Venue
from meihao.venues.models import Booking, VenuePhoto
from meihao.venues.services import runs_venue

SLOT_DAYS = 14


def bookable_venues(*, q: str = "", place: Place | None = None, kind: str = ""):
    """The venues open for booking, in the place's subtree and of the kind chosen."""
    venues = Venue.objects.filter(bookable=True).select_related("place")
    if q:
        venues = venues.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if place is not None:
        venues = venues.filter(in_subtree(place.path))
    if kind:
        venues = venues.filter(kind=kind)
    return venues.order_by("place_path", "name", "pk")


def filter_places():
    """The streets and communities the list filters by."""
    return Place.objects.filter(level__in=(Level.STREET, Level.COMMUNITY)).order_by("path")


def venue_get(user, pk) -> Venue:
    venue = Venue.objects.filter(pk=parse_id(pk), bookable=True).select_related("place").first()
    if venue is None:
        raise NotFound()
    return venue


def venue_photo_get(user, pk) -> VenuePhoto:
    """A photo of a bookable venue: everyone logged in sees the venue's page and its photos."""
    photo = (
        VenuePhoto.objects.filter(pk=parse_id(pk), venue__bookable=True)
        .select_related("venue")
        .first()
    )
    if photo is None:
        raise NotFound()
    return photo


def map_features(venues) -> dict:
    """The venues with a location as GeoJSON points, for the shared map; names as data."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
                "properties": {
                    "name": v.name,
                    "place": v.place.name,
                    "url": reverse("venues:detail", args=[v.pk]),
                },
            }
            for v in venues
            if v.lat is not None and v.lon is not None
        ],
    }


@dataclass
class Slot:
    booking: Booking
    holder: str  # whom it is for and why, or "" when the user may not know


@dataclass
class Day:
    day: datetime.date
    slots: list


def coming_days(user, venue: Venue, *, days: int = SLOT_DAYS) -> list[Day]:
    """The venue's next `days` days with the bookings holding it, soonest first. Who holds a
    slot is shown to the officials covering the venue and to the booker alone."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=days)
    sees_all = runs_venue(user, venue)
    bookings = (
        Booking.objects.holding()
        .filter(venue=venue, starts_at__lt=end, ends_at__gt=max(start, timezone.now()))
        .select_related("team", "organisation", "booked_by")
        .order_by("starts_at", "pk")
    )
    by_day: dict[datetime.date, list[Slot]] = {}
    for booking in bookings:
        shown = sees_all or booking.booked_by_id == user.pk
        day = timezone.localtime(booking.starts_at).date()
        holder = f"{booking.holder_name} · {booking.purpose}" if shown else ""
        by_day.setdefault(day, []).append(Slot(booking, holder))
    return [
        Day(today + datetime.timedelta(days=n), by_day.get(today + datetime.timedelta(days=n), []))
        for n in range(days)
    ]


def holders(user) -> tuple[list, list]:
    """The teams the user leads and the organisations they work for: whom they book for."""
    teams = list(Team.objects.filter(pk__in=led_team_ids(user)).order_by("name"))
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids(user, ORGANISATION_ROLES)).order_by(
            "name"
        )
    )
    return teams, organisations


def my_bookings(user):
    return (
        Booking.objects.filter(booked_by=user)
        .select_related("venue", "team", "organisation", "activity")
        .order_by("-starts_at", "-pk")
    )


def booking_get(user, pk) -> Booking:
    booking = (
        Booking.objects.visible_to(user)
        .filter(pk=parse_id(pk))
        .select_related("venue", "team", "organisation", "booked_by")
        .first()
    )
    if booking is None:
        raise NotFound()
    return booking


def decides_any(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


def requests_to_decide(user):
    """Requests for the venues in the official's places whose time is still to come."""
    return (
        Booking.objects.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS),
            status=Booking.Status.REQUESTED,
            starts_at__gt=timezone.now(),
        )
        .select_related("venue", "team", "organisation", "booked_by")
        .order_by("starts_at", "pk")
    )
