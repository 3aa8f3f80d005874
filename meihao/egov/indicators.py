"""Online-application figures in the indicator registry: how many were filed, how many were
decided within the item's promised time limit, and how often a material had to be asked for.
Read by the street chiefs and the district's administrators (names never appear: the records
list the application's number, item, community and state)."""

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import vocabulary_of
from meihao.core.roles import SUPERVISORS
from meihao.egov.models import EGOV_CODE, Application
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Ranking,
    Rollup,
    Span,
    Unit,
    by_community,
    register,
)

APPLICATIONS = Capability("applications", _("Online applications"), SUPERVISORS)


def _in_place(span: Span):
    """The applications of the place's residents (to the span's department, when it names one:
    the competent department that decides them)."""
    applications = Application.objects.filter(home_path__startswith=span.place_path)
    if span.department is not None:
        applications = applications.filter(department_id=span.department)
    return applications.select_related("case__case_type", "item", "home")


def filed(span: Span):
    """Applications from the place's residents filed in the period; in the numerator, those
    the office had to ask a missing material for."""
    return (
        _in_place(span)
        .filter(created_at__gte=span.start, created_at__lt=span.end)
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(supplement_asked_at__isnull=False), output_field=BooleanField()
            )
        )
        .order_by("-created_at", "-pk")
    )


def decided(span: Span):
    """Applications decided in the period; in the numerator, those decided by the promised
    deadline (the item's working days from the intake)."""
    return (
        _in_place(span)
        .filter(decided_at__gte=span.start, decided_at__lt=span.end)
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(decided_at__lte=F("case__resolve_by")), output_field=BooleanField()
            )
        )
        .order_by("-decided_at", "-pk")
    )


def supplements(span: Span):
    """Applications asked for a missing material in the period; in the numerator, those asked
    only for what the guide lists."""
    return (
        _in_place(span)
        .filter(supplement_asked_at__gte=span.start, supplement_asked_at__lt=span.end)
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(supplement_beyond_guide=False), output_field=BooleanField()
            )
        )
        .order_by("-supplement_asked_at", "-pk")
    )


def _status(application) -> str:
    return vocabulary_of(application.case.case_type).status_label(application.case.status)


COLUMNS = (
    Column(_("Application number"), lambda a: a.case.number),
    Column(_("Service item"), lambda a: a.item.name),
    Column(_("Filed at"), lambda a: f"{timezone.localtime(a.created_at):%Y-%m-%d %H:%M}"),
    Column(_("Community"), lambda a: a.home.name),
    Column(_("Status"), _status),
)


BY_ITEM = Ranking("item", _("Service item"), key="item__code", name="item__name")
BY_BODY = Ranking(
    "body", _("Implementing body"), key="item__implementing_body", name="item__implementing_body"
)
BY_COMMUNITY = by_community("home_path")
BY_STATUS = Ranking(
    "status",
    _("Status"),
    key="case__status",
    name="case__status",
    shown=lambda status: vocabulary_of(EGOV_CODE).status_label(status),
)
RANKINGS = (BY_ITEM, BY_BODY, BY_COMMUNITY)


def _page(application) -> str:
    return reverse("egov:detail", args=[application.case.number])


register(
    Indicator(
        code="applications_filed",
        name=_("Online applications filed"),
        definition=_("Applications of the place's residents filed during the period."),
        unit=Unit.COUNT,
        capability=APPLICATIONS,
        by_department=True,
        records=filed,
        columns=COLUMNS,
        link=_page,
        rankings=(BY_ITEM, BY_STATUS, BY_COMMUNITY),
    )
)
register(
    Indicator(
        code="application_supplement_rate",
        name=_("Supplement rate of applications"),
        definition=_(
            "Applications filed during the period for which the office had to ask for a "
            "missing material (补正), of all applications filed."
        ),
        unit=Unit.PERCENT,
        capability=APPLICATIONS,
        by_department=True,
        records=filed,
        columns=COLUMNS,
        link=_page,
        rankings=RANKINGS,
    )
)
register(
    Indicator(
        code="application_on_time_rate",
        name=_("On-time rate of applications"),
        definition=_(
            "Applications decided during the period within the item's promised time limit, "
            "counted in working days from the intake, of all applications decided."
        ),
        unit=Unit.PERCENT,
        capability=APPLICATIONS,
        by_department=True,
        records=decided,
        columns=COLUMNS,
        link=_page,
        rankings=RANKINGS,
        # Summed from rollup rows (insights.rollups): an application on the day it was
        # decided, in its applicant's community.
        rollup=Rollup(
            day="decided_at",
            place="home_path",
            sources=(("egov.Application", "decided_at"), ("cases.Case", "application__decided_at")),
        ),
    )
)
register(
    Indicator(
        code="guide_accuracy",
        name=_("Guide accuracy"),
        definition=_(
            "Supplement requests (补正) made during the period that asked only for materials the "
            "service guide lists, of all supplement requests: a request for something the guide "
            "does not list means the guide has to be corrected."
        ),
        unit=Unit.PERCENT,
        capability=APPLICATIONS,
        by_department=True,
        records=supplements,
        columns=COLUMNS,
        link=_page,
        rankings=RANKINGS,
    )
)
