"""Counselling figures in the indicator registry. Read by the officials of the place; nothing of
what residents asked or said is counted or listed here.

* counselling_rooms — the counselling rooms (心灵驿站: the venues of that kind) in the place
  recorded by the end of the period: the article's two rooms of its pilot.
"""

from django.utils.translation import gettext_lazy as _

from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Span, Unit, register
from meihao.places.models import Venue

COUNSELLING = Capability("counselling", _("Counselling"), OFFICIALS)


def counselling_rooms(span: Span):
    return (
        Venue.objects.filter(
            kind=Venue.Kind.COUNSELLING,
            place_path__startswith=span.place_path,
            created_at__lt=span.end,
        )
        .select_related("place")
        .order_by("place_path", "name", "pk")
    )


register(
    Indicator(
        code="counselling_rooms",
        name=_("Counselling rooms"),
        definition=_(
            "The counselling rooms (心灵驿站) in the place at the end of the period, where its "
            "communities' counsellors meet residents."
        ),
        unit=Unit.COUNT,
        capability=COUNSELLING,
        records=counselling_rooms,
        columns=(
            Column(_("Counselling room"), lambda v: v.name),
            Column(_("Community"), lambda v: v.place.name),
            Column(_("Address"), lambda v: v.address),
        ),
    )
)
