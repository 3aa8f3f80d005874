"""Micro-wish figures in the indicator registry: how many published wishes came true."""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import Status
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Rollup,
    Span,
    Unit,
    by_community,
    register,
)
from meihao.wishes.models import Wish

WISHES = Capability("wishes", _("Micro-wishes"), OFFICIALS)


def published_wishes(span: Span):
    """Wishes published in the period in the place; fulfilled (closed) ones in the numerator."""
    return (
        Wish.objects.filter(
            community_path__startswith=span.place_path,
            published_at__gte=span.start,
            published_at__lt=span.end,
        )
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(case__status=Status.CLOSED), output_field=BooleanField()
            )
        )
        .select_related("case", "community")
        .order_by("-published_at", "-pk")
    )


register(
    Indicator(
        code="wish_fulfilment_rate",
        name=_("Wish fulfilment rate"),
        definition=_(
            "Wishes fulfilled and confirmed by the resident of the wishes published in the "
            "place during the period."
        ),
        unit=Unit.PERCENT,
        capability=WISHES,
        records=published_wishes,
        columns=(
            Column(_("Number"), lambda w: w.case.number),
            Column(
                _("Published at"), lambda w: f"{timezone.localtime(w.published_at):%Y-%m-%d %H:%M}"
            ),
            Column(_("Community"), lambda w: w.community.name),
            Column(_("Status"), lambda w: w.case.get_status_display()),
        ),
        link=lambda w: reverse("wishes:detail", kwargs={"number": w.case.number}),
        # Summed from rollup rows (insights.rollups): a wish on the day it was published, in
        # its community; fulfilled once its case is closed.
        rollup=Rollup(
            day="published_at",
            place="community_path",
            sources=(("wishes.Wish", "published_at"), ("cases.Case", "wish__published_at")),
        ),
    )
)


def fulfilled_wishes(span: Span):
    """Wishes of the place fulfilled (closed: the resident confirmed) during the period."""
    return (
        Wish.objects.filter(
            community_path__startswith=span.place_path,
            case__status=Status.CLOSED,
            case__closed_at__gte=span.start,
            case__closed_at__lt=span.end,
        )
        .select_related("case", "community")
        .order_by("-case__closed_at", "-pk")
    )


register(
    Indicator(
        code="wishes_fulfilled",
        name=_("Wishes fulfilled"),
        definition=_(
            "Micro-wishes of the place fulfilled by a party member or unit and confirmed by the "
            "resident during the period."
        ),
        unit=Unit.COUNT,
        capability=WISHES,
        records=fulfilled_wishes,
        columns=(
            Column(_("Number"), lambda w: w.case.number),
            Column(
                _("Closed at"), lambda w: f"{timezone.localtime(w.case.closed_at):%Y-%m-%d %H:%M}"
            ),
            Column(_("Community"), lambda w: w.community.name),
        ),
        link=lambda w: reverse("wishes:detail", kwargs={"number": w.case.number}),
        rankings=(by_community("community_path"),),
    )
)
