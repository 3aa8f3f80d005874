"""The venues' figures, over a place and a period.

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
    register,
)
from meihao.venues.models import Booking

VENUES = Capability("venues", _("Venue bookings"), OFFICIALS)


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
