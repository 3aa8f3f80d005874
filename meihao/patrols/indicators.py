"""Patrol figures in the indicator registry, over a place subtree (the grid walked) and a
period of start times.

* patrols_walked — the grid workers' patrols started in the place during the period (in
  progress or ended), read by the officials who oversee patrols (the patrol duty page's).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Rollup, Span, Unit, register
from meihao.patrols.models import PatrolSession

PATROLS = Capability("patrols", _("Patrols"), OFFICIALS)


def patrols_walked(span: Span):
    return (
        PatrolSession.objects.filter(
            place_path__startswith=span.place_path,
            started_at__gte=span.start,
            started_at__lt=span.end,
        )
        .select_related("grid")
        .order_by("-started_at", "-pk")
    )


register(
    Indicator(
        code="patrols_walked",
        name=_("Patrols walked"),
        definition=_(
            "Grid workers' patrols started in the place during the period, in progress or ended."
        ),
        unit=Unit.COUNT,
        capability=PATROLS,
        records=patrols_walked,
        # Counted from rollup rows: a patrol on the day it started, at its place.
        rollup=Rollup(
            day="started_at",
            place="place_path",
            sources=(("patrols.PatrolSession", "started_at"),),
        ),
        columns=(
            Column(_("Started at"), lambda p: f"{timezone.localtime(p.started_at):%Y-%m-%d %H:%M}"),
            Column(_("Grid"), lambda p: p.grid.name),
            Column(_("Status"), lambda p: p.get_status_display()),
            Column(_("Distance (m)"), lambda p: p.distance_m),
        ),
    )
)
