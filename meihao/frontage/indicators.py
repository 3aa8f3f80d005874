"""门前三包 figures, over the grids of a place and a period.

* frontage_pledges — frontages under a signed pledge at the end of the period (the article's
  900+ across the district).
* frontage_checks_passed — of the checks made in the period, the share that found the frontage
  kept.
* frontage_cases — cases filed by failed checks in the period.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import PLACE_WORKERS
from meihao.frontage.models import Check, Pledge
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Span,
    Unit,
    by_community,
    register,
)

FRONTAGE = Capability("frontage", _("Frontage pledges"), PLACE_WORKERS)


def pledges_in_force(span: Span):
    return (
        Pledge.objects.filter(place_path__startswith=span.place_path, signed_on__lte=span.last_day)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=span.last_day))
        .select_related("grid")
        .order_by("place_path", "name", "pk")
    )


def _checks(span: Span):
    return Check.objects.filter(
        place_path__startswith=span.place_path, checked_at__gte=span.start, checked_at__lt=span.end
    )


def checks_made(span: Span):
    return (
        _checks(span)
        .select_related("pledge", "checker")
        .annotate(in_numerator=ExpressionWrapper(Q(passed=True), output_field=BooleanField()))
        .order_by("-checked_at", "-pk")
    )


def cases_filed(span: Span):
    return (
        _checks(span)
        .filter(case__isnull=False)
        .select_related("pledge", "checker", "case")
        .order_by("-checked_at", "-pk")
    )


CHECK_COLUMNS = (
    Column(_("Checked at"), lambda c: f"{timezone.localtime(c.checked_at):%Y-%m-%d %H:%M}"),
    Column(_("Shop or household"), lambda c: c.pledge.name),
    Column(_("Checked by"), lambda c: c.checker.name),
    Column(_("Result"), lambda c: _("Kept") if c.passed else "、".join(map(str, c.failed_items))),
)

register(
    Indicator(
        code="frontage_pledges",
        name=_("Frontages pledged"),
        definition=_(
            "Shops and households of the place under a signed 门前三包 pledge at the end of the "
            "period."
        ),
        unit=Unit.COUNT,
        capability=FRONTAGE,
        records=pledges_in_force,
        columns=(
            Column(_("Shop or household"), lambda p: p.name),
            Column(_("Grid"), lambda p: p.grid.name),
            Column(_("Address"), lambda p: p.address),
            Column(_("Signed on"), lambda p: p.signed_on.isoformat()),
        ),
        link=lambda p: reverse("frontage:pledge", args=[p.pk]),
        rankings=(by_community("place_path"),),
    )
)
register(
    Indicator(
        code="frontage_checks_passed",
        name=_("Frontage checks passed"),
        definition=_(
            "Of the checks of pledged frontages made in the place in the period, the share that "
            "found the frontage clean, orderly and green."
        ),
        unit=Unit.PERCENT,
        capability=FRONTAGE,
        records=checks_made,
        columns=CHECK_COLUMNS,
        link=lambda c: reverse("frontage:pledge", args=[c.pledge_id]),
        rankings=(by_community("place_path"),),
    )
)
register(
    Indicator(
        code="frontage_cases",
        name=_("Cases from frontage checks"),
        definition=_("Grid cases filed by failed checks of pledged frontages in the period."),
        unit=Unit.COUNT,
        capability=FRONTAGE,
        records=cases_filed,
        columns=(*CHECK_COLUMNS, Column(_("Case"), lambda c: c.case.number)),
        link=lambda c: reverse("cases:detail", args=[c.case.number]),
    )
)
