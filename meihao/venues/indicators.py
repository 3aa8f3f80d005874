"""The venues' figures, over a place and a period.

* venues — the recreation venues (文体活动场所) of the place: the venues open to groups and units
  for their activities (bookable), as they stand at the end of the period (recorded before it
  ended; whether a venue is open for booking has no history, so today's flag is read), ranked by
  community and by kind. The article's district has 92 (the demo's, `demo/venues.py`).
* venue_bookings — confirmed bookings of the place's venues starting in the period, ranked by
  venue: how much each venue is used, month by month.
* venue_use_hours — the hours those bookings hold their venues.
"""

from django.db.models import F, IntegerField, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    ElapsedSeconds,
    Indicator,
    Measure,
    Ranking,
    Span,
    Unit,
    by_community,
    register,
)
from meihao.places.models import Venue
from meihao.venues.models import Booking

VENUES = Capability("venues", _("Venue bookings"), OFFICIALS)


def recreation_venues(span: Span):
    """The venues of the place open for booking, recorded by the end of the period."""
    return (
        Venue.objects.filter(
            place_path__startswith=span.place_path, bookable=True, created_at__lt=span.end
        )
        .select_related("place")
        .order_by("place_path", "name", "pk")
    )


def _hours(venue: Venue) -> str:
    if venue.opens_at is None or venue.closes_at is None:
        return str(_("All day"))
    return f"{venue.opens_at:%H:%M}–{venue.closes_at:%H:%M}"


def _kind_shown(code) -> str:
    return str(Venue.Kind(code).label) if code in Venue.Kind.values else str(code)


def confirmed_bookings(span: Span):
    return (
        Booking.objects.filter(
            place_path__startswith=span.place_path,
            status=Booking.Status.CONFIRMED,
            starts_at__gte=span.start,
            starts_at__lt=span.end,
        )
        .select_related("venue", "team", "organisation", "booked_by")
        .order_by("-starts_at", "-pk")
    )


def hours_booked(span: Span) -> Measure:
    seconds = confirmed_bookings(span).aggregate(
        seconds=Coalesce(Sum(ElapsedSeconds(F("ends_at"), F("starts_at"))), Value(0.0))
    )["seconds"]
    hours = round(seconds / 3600.0, 1)
    return Measure(value=hours, numerator=hours, denominator=None)


COLUMNS = (
    Column(pgettext_lazy("booking", "Venue"), lambda b: b.venue.name),
    Column(
        _("Time"),
        lambda b: (
            f"{timezone.localtime(b.starts_at):%Y-%m-%d %H:%M}–"
            f"{timezone.localtime(b.ends_at):%H:%M}"
        ),
    ),
    Column(_("Booked for"), lambda b: b.holder_name),
    Column(_("What for"), lambda b: b.purpose),
)


def _venue_link(booking) -> str:
    return reverse("venues:detail", args=[booking.venue_id])


register(
    Indicator(
        code="venues",
        name=_("Recreation venues"),
        definition=_(
            "The venues in the place open to groups and units for their activities (bookable) "
            "at the end of the period."
        ),
        unit=Unit.COUNT,
        capability=VENUES,
        records=recreation_venues,
        columns=(
            Column(pgettext_lazy("booking", "Venue"), lambda v: v.name),
            Column(_("Kind of venue"), lambda v: v.get_kind_display()),
            Column(_("Place"), lambda v: v.place.name),
            Column(_("Hours for bookings"), _hours),
            Column(_("Holds"), lambda v: "" if v.capacity is None else v.capacity),
        ),
        link=lambda v: reverse("venues:detail", args=[v.pk]),
        rankings=(
            by_community("place_path"),
            Ranking("kind", _("Kind of venue"), key="kind", name="kind", shown=_kind_shown),
        ),
    )
)
register(
    Indicator(
        code="venue_bookings",
        name=_("Venue bookings"),
        definition=_("Confirmed bookings of the venues in the place that start during the period."),
        unit=Unit.COUNT,
        capability=VENUES,
        records=confirmed_bookings,
        columns=COLUMNS,
        link=_venue_link,
        rankings=(
            Ranking(
                "venue",
                pgettext_lazy("booking", "Venue"),
                key=Cast("venue_id", output_field=IntegerField()),
                name="venue__name",
            ),
        ),
    )
)
register(
    Indicator(
        code="venue_use_hours",
        name=_("Hours the venues are booked"),
        definition=_(
            "The hours of the confirmed bookings of the venues in the place that start during "
            "the period."
        ),
        unit=Unit.HOURS,
        capability=VENUES,
        records=confirmed_bookings,
        value=hours_booked,
        columns=COLUMNS,
        link=_venue_link,
    )
)
