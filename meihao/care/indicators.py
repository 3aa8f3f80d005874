"""Home care's figures in the indicator registry, read by the care staff of the places
(core.roles.ELDER_CARE): elders served, services given (by family and by 医养娱教), orders on
time, confirmed, satisfaction, the subsidy spent, the providers active, and what went wrong:
providers that did not come and complaints, ranked by provider. A service counts in
the period it was due (its start); the records list masked names and link to the order.

The article's district gives 5,704 services a month to its 20,000 elders: `care_services` over
a month and `elders_in_care` (eldercare) at its end are those two figures."""

from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.activities.models import Attendance
from meihao.care.models import (
    KIND_OF_FAMILY,
    LATE_GRACE,
    CareOrder,
    CareService,
    Complaint,
    Family,
    Provider,
    no_shows,
)
from meihao.cases.extensions import detail_url
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
    Rollup,
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


def calls_due(span: Span):
    """The calls due in the period: orders whose service starts in it, those cancelled or voided
    ahead of time left out (a cancellation once the provider was late is still a call missed);
    in the numerator, those served (the provider checked out at the elder's home)."""
    return (
        _in_span(span)
        .filter(
            ~Q(case__status__in=(Status.VOID, Status.REJECTED))
            | Q(cancelled_at__gt=F("starts_at") + LATE_GRACE)
        )
        .select_related("case", "service", "elder__person", "provider__organisation")
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(checked_out_at__isnull=False), output_field=BooleanField()
            )
        )
        .order_by("-starts_at", "-case_id")
    )


def orders_not_served(span: Span):
    """Orders of the period a provider took and never came to (CareOrder.is_no_show)."""
    return (
        _in_span(span)
        .filter(no_shows(timezone.now()))
        .select_related("case", "service", "elder__person", "provider__organisation")
        .order_by("-starts_at", "-case_id")
    )


def complaints_made(span: Span):
    return (
        Complaint.objects.filter(
            place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .select_related(
            "case__case_type", "order__case", "order__service", "provider__organisation"
        )
        .order_by("-created_at", "-case_id")
    )


def activities_attended(span: Span):
    """Elders' attendances at the activities that are the catalogue's recreation and learning
    items (娱 / 教: the article's cultural life and classes for elders), held in the period;
    each annotated with the family of the item its activity stands for."""
    family = (
        CareService.objects.filter(is_active=True, activity_kind=OuterRef("signup__activity__kind"))
        .order_by("position")
        .values("family")[:1]
    )
    return (
        Attendance.objects.filter(
            signup__person__elder__place_path__startswith=span.place_path,
            signup__activity__starts_at__gte=span.start,
            signup__activity__starts_at__lt=span.end,
        )
        .annotate(care_family=Subquery(family))
        .filter(care_family__isnull=False)
        .select_related("signup__activity", "signup__person")
        .order_by("-signup__activity__starts_at", "-pk")
    )


def _kind_of_family(code) -> str:
    return str(KIND_OF_FAMILY[Family(code)].label) if code in Family.values else ""


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


BY_PROVIDER = Ranking(
    "provider",
    _("Provider"),
    key=Cast("provider_id", CharField()),
    name="provider__organisation__name",
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
    shown=lambda code: _kind_of_family(code) or code,
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
        # Summed from rollup rows (insights.rollups): an order on its local day and place,
        # counted once its case is closed.
        rollup=Rollup(
            day="starts_at",
            place="place_path",
            sources=(("care.CareOrder", "starts_at"), ("cases.Case", "care_order__starts_at")),
        ),
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
        columns=(*ORDER_COLUMNS, Column(_("Minutes late"), lambda o: o.minutes_late)),
        link=_order_link,
        rankings=(by_community("place_path"), BY_FAMILY, BY_PROVIDER),
        # Summed from rollup rows: an order on its local day and place, once checked in.
        rollup=Rollup(
            day="starts_at", place="place_path", sources=(("care.CareOrder", "starts_at"),)
        ),
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
        code="care_calls_done_rate",
        name=_("Home-care calls done"),
        definition=_(
            "Home-care orders whose service started in the period, those cancelled ahead of "
            "time left out, that the provider served at the elder's home (checked out), of all "
            "due."
        ),
        unit=Unit.PERCENT,
        capability=HOME_CARE,
        records=calls_due,
        columns=(
            *ORDER_COLUMNS,
            Column(
                CareOrder._meta.get_field("checked_out_at").verbose_name,
                lambda o: (
                    f"{timezone.localtime(o.checked_out_at):%Y-%m-%d %H:%M}"
                    if o.checked_out_at
                    else ""
                ),
            ),
        ),
        link=_order_link,
        rankings=(by_community("place_path"), BY_FAMILY, BY_PROVIDER),
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
register(
    Indicator(
        code="care_no_shows",
        name=_("Care orders the provider did not come to"),
        definition=_(
            "Orders due in the period that a provider took and never checked in at: the "
            "service's time passed, or the order was cancelled once the provider was more than "
            "15 minutes late."
        ),
        unit=Unit.COUNT,
        capability=HOME_CARE,
        records=orders_not_served,
        columns=ORDER_COLUMNS,
        link=_order_link,
        rankings=(BY_PROVIDER, by_community("place_path")),
        higher_is_better=False,
    )
)
register(
    Indicator(
        code="care_complaints",
        name=_("Complaints about home care"),
        definition=_(
            "Complaints the elders, their families or the community made in the period about "
            "the provider of an order."
        ),
        unit=Unit.COUNT,
        capability=HOME_CARE,
        records=complaints_made,
        columns=(
            Column(_("Number"), lambda c: c.case.number),
            Column(_("Made"), lambda c: f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M}"),
            Column(_("Order"), lambda c: c.order.case.number),
            Column(_("Service"), lambda c: c.order.service.name),
            Column(_("Provider"), lambda c: c.provider.name),
        ),
        link=lambda complaint: detail_url(complaint.case),
        rankings=(BY_PROVIDER, by_community("place_path")),
        higher_is_better=False,
    )
)
register(
    Indicator(
        code="care_activities_attended",
        name=_("Elders at recreation and classes"),
        definition=_(
            "Attendances of registered elders, checked in, at the activities held in the period "
            "that are the catalogue's recreation (娱) and learning (教) items."
        ),
        unit=Unit.COUNT,
        capability=HOME_CARE,
        records=activities_attended,
        columns=(
            Column(_("Activity"), lambda a: a.signup.activity.title),
            Column(
                _("Held"),
                lambda a: f"{timezone.localtime(a.signup.activity.starts_at):%Y-%m-%d %H:%M}",
            ),
            Column(_("Kind of care"), lambda a: _kind_of_family(a.care_family)),
            Column(_("Elder"), lambda a: mask_name(a.signup.person.real_name)),
        ),
        link=lambda attendance: reverse("activities:detail", args=[attendance.signup.activity_id]),
        rankings=(
            Ranking(
                "kind",
                _("Kind of care"),
                key="care_family",
                name="care_family",
                shown=_kind_of_family,
            ),
            by_community("signup__person__elder__place_path"),
        ),
    )
)
