"""The red-culture map's figures, over a place and a period.

* redculture_sites — published red-culture sites in the place (as they stand at the end of the
  period: marked before it ended).
* redculture_route_visits — guided visits held: finished activities walking a route, started in
  the period at a first stop in the place.
* redculture_route_visitors — check-ins at those visits, however the walkers checked in.
* redculture_blocks, redculture_flag_streets — published themed blocks and flag streets in the
  place at the end of the period.
* redculture_route_streets — the streets the published routes link: those with a stop of one
  (the article's "five streets linked into red-culture routes").
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.activities.indicators import SESSION_COLUMNS, attendances_at, sessions_held
from meihao.activities.models import Activity
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Span, Unit, register
from meihao.places.models import Level, Place
from meihao.redculture.models import Block, FlagStreet, RouteStop, Site

REDCULTURE = Capability("redculture", _("Red-culture map"), OFFICIALS)
# Guided visits are cultural events; only those linked to a route count here.
VISIT_KIND = (Activity.Kind.CULTURAL_EVENT,)
_events_held = sessions_held(VISIT_KIND)
_event_attendances = attendances_at(VISIT_KIND)


def published_in(model):
    def records(span: Span):
        return (
            model.objects.published()
            .filter(place_path__startswith=span.place_path, created_at__lt=span.end)
            .select_related("place")
            .order_by("place_path", "name", "pk")
        )

    return records


def _route_stops(span: Span):
    return RouteStop.objects.filter(
        route__published=True,
        route__created_at__lt=span.end,
        site__published=True,
        site__place_path__startswith=OuterRef("path"),
    )


def streets_on_routes(span: Span):
    return Place.objects.filter(
        Exists(_route_stops(span)), level=Level.STREET, path__startswith=span.place_path
    ).order_by("path")


def visits_held(span: Span):
    return _events_held(span).filter(route_visit__isnull=False)


def visitors(span: Span):
    return _event_attendances(span).filter(signup__activity__route_visit__isnull=False)


register(
    Indicator(
        code="redculture_sites",
        name=_("Red-culture sites"),
        definition=_("Published red-culture sites in the place at the end of the period."),
        unit=Unit.COUNT,
        capability=REDCULTURE,
        records=published_in(Site),
        columns=(
            Column(_("Site"), lambda s: s.name),
            Column(_("Kind"), lambda s: s.get_kind_display()),
            Column(_("Place"), lambda s: s.place.name),
        ),
        link=lambda s: reverse("redculture:site", args=[s.code]),
    )
)
register(
    Indicator(
        code="redculture_route_visits",
        name=_("Guided visits of red-culture routes"),
        definition=_(
            "Guided visits of the red-culture routes held during the period, meeting in the place."
        ),
        unit=Unit.COUNT,
        capability=REDCULTURE,
        records=visits_held,
        columns=SESSION_COLUMNS,
        link=lambda a: reverse("activities:detail", args=[a.pk]),
    )
)
register(
    Indicator(
        code="redculture_route_visitors",
        name=_("Visitors on red-culture routes"),
        definition=_(
            "Check-ins at the guided visits of the red-culture routes held in the place "
            "during the period."
        ),
        unit=Unit.COUNT,
        capability=REDCULTURE,
        records=visitors,
        columns=(
            Column(_("Guided visit"), lambda a: a.signup.activity.title),
            Column(
                _("Checked in"), lambda a: f"{timezone.localtime(a.checked_in_at):%Y-%m-%d %H:%M}"
            ),
        ),
        link=lambda a: reverse("activities:detail", args=[a.signup.activity_id]),
    )
)
register(
    Indicator(
        code="redculture_blocks",
        name=_("Themed red-culture blocks"),
        definition=_("Published themed red-culture blocks in the place at the end of the period."),
        unit=Unit.COUNT,
        capability=REDCULTURE,
        records=published_in(Block),
        columns=(Column(_("Block"), lambda b: b.name), Column(_("Place"), lambda b: b.place.name)),
        link=lambda b: reverse("redculture:map") + "#block-list",
    )
)
register(
    Indicator(
        code="redculture_flag_streets",
        name=_("Flag streets"),
        definition=_("Published flag streets in the place at the end of the period."),
        unit=Unit.COUNT,
        capability=REDCULTURE,
        records=published_in(FlagStreet),
        columns=(
            Column(_("Flag street"), lambda f: f.name),
            Column(_("Place"), lambda f: f.place.name),
        ),
        link=lambda f: reverse("redculture:map") + "#flag-street-list",
    )
)
register(
    Indicator(
        code="redculture_route_streets",
        name=_("Streets linked by red-culture routes"),
        definition=_(
            "Streets of the place with a stop of a published red-culture route at the end of "
            "the period."
        ),
        unit=Unit.COUNT,
        capability=REDCULTURE,
        records=streets_on_routes,
        columns=(Column(_("Street"), lambda p: p.name),),
        link=lambda p: reverse("redculture:map"),
    )
)
