"""Home care's figures in the indicator registry, read by the care staff of the places
(core.roles.ELDER_CARE): elders served, services given (by family and by 医养娱教), orders on
time, confirmed, satisfaction, the subsidy spent and the providers active. A service counts in
the period it was due (its start); the records list masked names and link to the order.

The article's district gives 5,704 services a month to its 20,000 elders: `care_services` over
a month and `elders_in_care` (eldercare) at its end are those two figures."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.care.models import KIND_OF_FAMILY, LATE_GRACE, CareOrder, Family, Provider
from meihao.cases.models import Status
from meihao.core.pii import mask_name
from meihao.core.roles import ELDER_CARE
from meihao.eldercare.models import Elder
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Measure,
    Ranking,
    Span,
    Unit,
    by_community,
    register,
)

HOME_CARE = Capability("home_care", _("Home-care services"), ELDER_CARE)
SATISFIED = (4, 5)


def _in_span(span: Span):
    return CareOrder.objects.filter(
        place_path__startswith=span.place_path, starts_at__gte=span.start, starts_at__lt=span.end
    )


def services_given(span: Span):
    """Orders due in the period and confirmed: the services given."""
    return (
        _in_span(span)
        .filter(case__status=Status.CLOSED)
        .select_related("case", "service", "elder__person", "provider__organisation")
        .order_by("-starts_at", "-case_id")
    )


def elders_served(span: Span):
    return (
        Elder.objects.filter(
            Exists(
                CareOrder.objects.filter(
                    elder_id=OuterRef("pk"),
                    case__status=Status.CLOSED,
                    starts_at__gte=span.start,
                    starts_at__lt=span.end,
                )
            ),
            place_path__startswith=span.place_path,
        )
        .select_related("person__home_place")
        .order_by("place_path", "pk")
    )


def orders_on_time(span: Span):
    """Orders of the period checked in on site; in the numerator, those checked in by the start
    (with the grace of LATE_GRACE)."""
    return (
        _in_span(span)
        .filter(checked_in_at__isnull=False)
        .select_related("case", "service", "elder__person", "provider__organisation")
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(checked_in_at__lte=F("starts_at") + LATE_GRACE), output_field=BooleanField()
            )
        )
        .order_by("-starts_at", "-case_id")
    )


def orders_confirmed(span: Span):
    """Orders of the period served (checked out); in the numerator, those the elder, family or
    officials confirmed."""
    return (
        _in_span(span)
        .filter(checked_out_at__isnull=False)
        .select_related("case", "service", "elder__person", "provider__organisation")
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(case__status=Status.CLOSED), output_field=BooleanField()
            )
        )
        .order_by("-starts_at", "-case_id")
    )


def orders_rated(span: Span):
    """Orders of the period rated; in the numerator, those rated satisfied or very satisfied."""
    return (
        _in_span(span)
        .filter(score__isnull=False)
        .select_related("case", "service", "elder__person", "provider__organisation")
        .annotate(
            in_numerator=ExpressionWrapper(Q(score__in=SATISFIED), output_field=BooleanField())
        )
        .order_by("-starts_at", "-case_id")
    )


def subsidised_orders(span: Span):
    return services_given(span).filter(voucher_cents__gt=0)


def subsidy_spent(span: Span) -> Measure:
    total = subsidised_orders(span).aggregate(cents=Sum("voucher_cents", default=0))["cents"]
    return Measure(value=round(total / 100, 2), numerator=round(total / 100, 2), denominator=None)


def providers_active(span: Span):
    return (
        Provider.objects.filter(
            Exists(
                CareOrder.objects.filter(
                    provider_id=OuterRef("pk"),
                    case__status=Status.CLOSED,
                    place_path__startswith=span.place_path,
                    starts_at__gte=span.start,
                    starts_at__lt=span.end,
                )
            )
        )
        .select_related("organisation")
        .order_by("place_path", "pk")
    )


ORDER_COLUMNS = (
    Column(_("Number"), lambda o: o.case.number),
    Column(_("Due"), lambda o: f"{timezone.localtime(o.starts_at):%Y-%m-%d %H:%M}"),
    Column(_("Service"), lambda o: o.service.name),
    Column(_("Elder"), lambda o: mask_name(o.elder.person.real_name)),
    Column(_("Provider"), lambda o: o.provider.name if o.provider_id else ""),
)


def _order_link(order) -> str:
    return reverse("care:order", args=[order.case.number])


BY_FAMILY = Ranking(
    "family",
    _("Family"),
    key="service__family",
    name="service__family",
    shown=lambda code: str(Family(code).label) if code in Family.values else code,
)
BY_KIND = Ranking(
    "kind",
    _("Kind of care"),
    key="service__family",
    name="service__family",
    shown=lambda code: str(KIND_OF_FAMILY[Family(code)].label) if code in Family.values else code,
)

register(
    Indicator(
        code="care_services",
        name=_("Home-care services given"),
        definition=_(
            "Home-care orders due in the period that were served and confirmed (the elder, "
            "their family or the community)."
        ),
        unit=Unit.COUNT,
        capability=HOME_CARE,
        records=services_given,
        columns=ORDER_COLUMNS,
        link=_order_link,
        rankings=(by_community("place_path"), BY_FAMILY, BY_KIND),
    )
)
register(
    Indicator(
        code="care_elders_served",
        name=_("Elders served"),
        definition=_("Elders with at least one home-care service given in the period."),
        unit=Unit.COUNT,
        capability=HOME_CARE,
        records=elders_served,
        columns=(
            Column(_("Elder"), lambda e: mask_name(e.person.real_name)),
            Column(_("Community"), lambda e: e.person.home_place.name),
        ),
        link=lambda elder: reverse("care:elder", args=[elder.pk]),
        rankings=(by_community("place_path"),),
    )
)
register(
    Indicator(
        code="care_on_time_rate",
        name=_("Home-care orders on time"),
        definition=_(
            "Orders due in the period whose provider checked in at the elder's home no later "
            "than 15 minutes after the start, of all checked in."
        ),
        unit=Unit.PERCENT,
        capability=HOME_CARE,
        records=orders_on_time,
        columns=ORDER_COLUMNS,
        link=_order_link,
        rankings=(by_community("place_path"), BY_FAMILY),
    )
)
register(
    Indicator(
        code="care_confirmed_rate",
        name=_("Home-care services confirmed"),
        definition=_(
            "Orders due in the period that the provider checked out of and the elder, their "
            "family or the community confirmed, of all checked out."
        ),
        unit=Unit.PERCENT,
        capability=HOME_CARE,
        records=orders_confirmed,
        columns=ORDER_COLUMNS,
        link=_order_link,
        rankings=(by_community("place_path"),),
    )
)
register(
    Indicator(
        code="care_satisfaction_rate",
        name=_("Satisfaction with home care"),
        definition=_("Orders due in the period rated satisfied or very satisfied, of all rated."),
        unit=Unit.PERCENT,
        capability=HOME_CARE,
        records=orders_rated,
        columns=(*ORDER_COLUMNS, Column(_("Rating"), lambda o: o.score)),
        link=_order_link,
        rankings=(by_community("place_path"), BY_FAMILY),
    )
)
register(
    Indicator(
        code="care_subsidy_spent",
        name=_("Care subsidy spent"),
        definition=_(
            "Yuan of care vouchers paid for the services given in the period (refunds are "
            "corrections on the providers' statements)."
        ),
        unit=Unit.YUAN,
        capability=HOME_CARE,
        records=subsidised_orders,
        value=subsidy_spent,
        columns=(*ORDER_COLUMNS, Column(_("Vouchers (¥)"), lambda o: o.voucher_cents / 100)),
        link=_order_link,
    )
)
register(
    Indicator(
        code="care_providers_active",
        name=_("Care providers active"),
        definition=_(
            "Providers that gave at least one home-care service in the place in the period."
        ),
        unit=Unit.COUNT,
        capability=HOME_CARE,
        records=providers_active,
        columns=(
            Column(_("Provider"), lambda p: p.name),
            Column(_("Kind"), lambda p: p.get_kind_display()),
        ),
        link=lambda provider: reverse("care:provider", args=[provider.pk]),
    )
)
