"""The place tree's standing figures in the indicator registry: how many streets and
communities a place holds (the article's 5 streets and 30 communities)."""

from operator import attrgetter
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Span, Unit, register
from meihao.places.models import Level, Place

PLACES = Capability("places", _("Places"), OFFICIALS)


def _link(place: Any) -> str:
    return reverse("places:detail", args=[place.code])


def _places_of(level: str):
    def records(span: Span):
        return Place.objects.filter(path__startswith=span.place_path, level=level).order_by("path")

    return records


for code, level, name, definition in (
    (
        "streets",
        Level.STREET,
        pgettext_lazy("indicator", "Streets"),
        _("Streets (街道) in the place's subtree, the place itself included if it is one."),
    ),
    (
        "communities",
        Level.COMMUNITY,
        pgettext_lazy("indicator", "Communities"),
        _("Communities (社区) in the place's subtree, the place itself included if it is one."),
    ),
):
    register(
        Indicator(
            code=code,
            name=name,
            definition=definition,
            unit=Unit.COUNT,
            capability=PLACES,
            records=_places_of(level),
            columns=(
                Column(_("Code"), attrgetter("code")),
                Column(pgettext_lazy("place", "Name"), attrgetter("name")),
            ),
            link=_link,
        )
    )
