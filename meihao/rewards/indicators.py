"""Rewards figures in the indicator registry: points redeemed at partner merchants."""

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core.pii import mask_name_to_greet
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import Capability, Column, Indicator, Measure, Span, Unit, register
from meihao.rewards.models import PartnerMerchant, Redemption

REWARDS = Capability("rewards", _("Rewards"), OFFICIALS)


def redemptions(span: Span):
    """Redemptions made in the period at merchants in the place and not refunded."""
    return (
        Redemption.objects.filter(
            merchant__place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
            status=Redemption.Status.COMPLETED,
        )
        .select_related("merchant__organisation", "item", "person")
        .order_by("-created_at", "-pk")
    )


def points_redeemed(span: Span) -> Measure:
    points = redemptions(span).aggregate(total=Sum("points", default=0))["total"]
    return Measure(value=points, numerator=points, denominator=None)


def _statement(redemption) -> str:
    month = timezone.localtime(redemption.created_at)
    return f"{reverse('rewards:statement', args=[redemption.merchant_id])}?month={month:%Y-%m}"


register(
    Indicator(
        code="points_redeemed",
        name=_("Points redeemed"),
        definition=_(
            "Points residents spent at partner merchants in the place during the period, "
            "refunded redemptions excluded."
        ),
        unit=Unit.POINTS,
        capability=REWARDS,
        records=redemptions,
        value=points_redeemed,
        columns=(
            Column(_("Number"), lambda r: r.number),
            Column(_("Time"), lambda r: f"{timezone.localtime(r.created_at):%Y-%m-%d %H:%M}"),
            Column(_("Merchant"), lambda r: r.merchant.organisation.name),
            Column(_("Item"), lambda r: r.item.name),
            Column(_("Customer"), lambda r: mask_name_to_greet(r.person.real_name)),
            Column(_("Points"), lambda r: r.points),
        ),
        link=_statement,
    )
)


def alliance_merchants(span: Span):
    """Partner merchants of the place in the red-armband merchant alliance, honouring points."""
    return (
        PartnerMerchant.objects.filter(
            place_path__startswith=span.place_path,
            red_armband_alliance=True,
            is_active=True,
            joined_on__lte=span.last_day,
        )
        .select_related("organisation")
        .order_by("place_path", "pk")
    )


register(
    Indicator(
        code="red_armband_merchants",
        name=_("Red-armband alliance merchants"),
        definition=_(
            "Partner merchants of the place in the red-armband merchant alliance at the period's "
            "end, honouring points."
        ),
        unit=Unit.COUNT,
        capability=REWARDS,
        records=alliance_merchants,
        columns=(
            Column(_("Merchant"), lambda m: m.organisation.name),
            Column(_("Address"), lambda m: m.address),
            Column(_("Partner since"), lambda m: m.joined_on.isoformat()),
        ),
        link=lambda m: reverse("rewards:merchant", args=[m.pk]),
    )
)
