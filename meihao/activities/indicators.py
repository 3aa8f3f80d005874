"""Volunteering figures in the indicator registry, over a place subtree (where the service was
done) and a period of service dates.

* service_hours — hours served (reversals included: a reversed record counts zero).
* active_volunteers — people whose service in the period adds up to more than nothing.
"""

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.activities.models import ServiceRecord
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Span, Unit, hours_of, register
from meihao.people.models import Person

VOLUNTEERING = Capability("volunteering", _("Volunteering"), OFFICIALS)


def _in_span(span: Span, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}place_path__startswith": span.place_path,
            f"{prefix}service_date__gte": span.first_day,
            f"{prefix}service_date__lte": span.last_day,
        }
    )


def service_records(span: Span):
    return (
        ServiceRecord.objects.filter(_in_span(span))
        .select_related("person", "place")
        .order_by("-service_date", "-pk")
    )


def active_volunteers(span: Span):
    """The people who served, with their net minutes in the span (`span_minutes`)."""
    served = (
        ServiceRecord.objects.filter(_in_span(span))
        .values("person")
        .annotate(total=Sum("minutes"))
        .filter(total__gt=0)
        .values("person")
    )
    return (
        Person.objects.filter(pk__in=served)
        .annotate(
            span_minutes=Sum("service_records__minutes", filter=_in_span(span, "service_records__"))
        )
        .select_related("home_place")
        .order_by("-span_minutes", "pk")
    )


register(
    Indicator(
        code="service_hours",
        name=_("Volunteer service hours"),
        definition=_(
            "Hours of volunteer service done in the place on service days in the period; a "
            "corrected record counts once, net of its reversal."
        ),
        unit=Unit.HOURS,
        capability=VOLUNTEERING,
        records=service_records,
        value=hours_of(service_records),
        columns=(
            Column(_("Service date"), lambda r: r.service_date.isoformat()),
            Column(_("Volunteer"), lambda r: r.person.real_name),
            Column(_("Place"), lambda r: r.place.name),
            Column(_("Service content"), lambda r: r.content),
            Column(_("Minutes"), lambda r: r.minutes),
        ),
        link=lambda r: reverse("people:detail", args=[r.person_id]),
    )
)
register(
    Indicator(
        code="active_volunteers",
        name=_("Active volunteers"),
        definition=_(
            "People whose volunteer service in the place on service days in the period adds "
            "up to more than nothing."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=active_volunteers,
        columns=(
            Column(_("Volunteer"), lambda p: p.real_name),
            Column(_("Community or grid"), lambda p: p.home_place.name if p.home_place else ""),
            Column(_("Minutes"), lambda p: p.span_minutes),
        ),
        link=lambda p: reverse("people:detail", args=[p.pk]),
    )
)
