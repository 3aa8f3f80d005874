"""云家庭's figures in the indicator registry: the elders in the community's care, the ability
assessments made, and the visits to elders living alone done of those due. Read by the care
staff of the places (core.roles.ELDER_CARE); the records list masked names only."""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import Case, Status
from meihao.core.pii import mask_name
from meihao.core.roles import ELDER_CARE
from meihao.eldercare.models import Assessment, Elder
from meihao.eldercare.visits import VISIT_CODE
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Span,
    Unit,
    by_community,
    register,
)

ELDER_CARE_FIGURES = Capability("elder_care", _("Home care for elders"), ELDER_CARE)


def elders_in_care(span: Span):
    """The elders registered by the end of the period: the community's care at that date."""
    return (
        Elder.objects.filter(place_path__startswith=span.place_path, created_at__lt=span.end)
        .select_related("person__home_place")
        .order_by("place_path", "pk")
    )


def assessments_made(span: Span):
    return (
        Assessment.objects.filter(
            elder__place_path__startswith=span.place_path,
            assessed_on__gte=span.first_day,
            assessed_on__lte=span.last_day,
        )
        .select_related("elder__person__home_place", "scale")
        .order_by("-assessed_on", "-pk")
    )


def visits_due(span: Span):
    """The visits filed for the period; in the numerator, those done (checked out on site)."""
    return (
        Case.objects.filter(
            case_type__code=VISIT_CODE,
            place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .exclude(status=Status.VOID)
        .select_related("place", "reporter")
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(reported_back_at__isnull=False), output_field=BooleanField()
            )
        )
        .order_by("-created_at", "-pk")
    )


def _level(assessment: Assessment) -> str:
    return next(
        band["name"]
        for band in assessment.scale.definition["levels"]
        if band["level"] == assessment.level
    )


register(
    Indicator(
        code="elders_in_care",
        name=_("Elders in the community's care"),
        definition=_(
            "Residents of 60 or more registered for home care (云家庭) by the end of the period."
        ),
        unit=Unit.COUNT,
        capability=ELDER_CARE_FIGURES,
        records=elders_in_care,
        columns=(
            Column(_("Elder"), lambda e: mask_name(e.person.real_name)),
            Column(_("Living situation"), lambda e: e.get_living_display()),
            Column(_("Community"), lambda e: e.person.home_place.name),
        ),
        link=lambda elder: reverse("eldercare:elder", args=[elder.pk]),
        rankings=(by_community("place_path"),),
    )
)
register(
    Indicator(
        code="elder_assessments",
        name=_("Ability assessments made"),
        definition=_("Ability assessments of elders dated within the period."),
        unit=Unit.COUNT,
        capability=ELDER_CARE_FIGURES,
        records=assessments_made,
        columns=(
            Column(_("Elder"), lambda a: mask_name(a.elder.person.real_name)),
            Column(_("Assessed on"), lambda a: f"{a.assessed_on:%Y-%m-%d}"),
            Column(_("Reason"), lambda a: a.get_reason_display()),
            Column(_("Ability level"), _level),
        ),
        link=lambda assessment: reverse("eldercare:assessment", args=[assessment.pk]),
        rankings=(by_community("elder__place_path"),),
    )
)
register(
    Indicator(
        code="elder_visits_done_rate",
        name=_("Visits to elders living alone done"),
        definition=_(
            "Visits (探访关爱) to elders of 80 or more living alone that were due in the period "
            "and were checked out on site, of all due."
        ),
        unit=Unit.PERCENT,
        capability=ELDER_CARE_FIGURES,
        records=visits_due,
        columns=(
            Column(_("Number"), lambda c: c.number),
            Column(_("Elder"), lambda c: mask_name(c.reporter.real_name) if c.reporter else ""),
            Column(_("Due from"), lambda c: f"{timezone.localtime(c.created_at):%Y-%m-%d}"),
            Column(_("Community"), lambda c: c.place.name),
        ),
        link=lambda case: reverse("cases:detail", args=[case.number]),
        rankings=(by_community("place_path"),),
    )
)
