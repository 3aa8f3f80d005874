"""Online-petition figures in the indicator registry: how many were sent, and how many were
replied to within their kind's limit. Read by the street chiefs and the district's
administrators; the records list number, kind, title, community and state, never the
petitioner."""

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import vocabulary_of
from meihao.core.roles import SUPERVISORS
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
from meihao.petitions.models import Kind, Petition

PETITIONS = Capability("petitions", _("Online petitions"), SUPERVISORS)


def _in_place(span: Span):
    """The petitions about the place (dispatched to the span's department, when it names one)."""
    petitions = Petition.objects.filter(case__place_path__startswith=span.place_path)
    if span.department is not None:
        petitions = petitions.filter(case__assigned_organisation_id=span.department)
    return petitions.select_related("case__case_type", "case__place")


def sent(span: Span):
    """Petitions about the place sent in the period."""
    return (
        _in_place(span)
        .filter(created_at__gte=span.start, created_at__lt=span.end)
        .order_by("-created_at", "-pk")
    )


def replied(span: Span):
    """Petitions replied to in the period; in the numerator, those replied to by their
    deadline."""
    return (
        _in_place(span)
        .filter(case__reported_back_at__gte=span.start, case__reported_back_at__lt=span.end)
        .annotate(
            in_numerator=ExpressionWrapper(
                Q(case__reported_back_at__lte=F("case__resolve_by")), output_field=BooleanField()
            )
        )
        .order_by("-case__reported_back_at", "-pk")
    )


COLUMNS = (
    Column(_("Number"), lambda p: p.case.number),
    Column(_("Kind"), lambda p: p.get_kind_display()),
    Column(_("Title"), lambda p: p.title),
    Column(_("Time sent"), lambda p: f"{timezone.localtime(p.created_at):%Y-%m-%d %H:%M}"),
    Column(_("Community"), lambda p: p.case.place.name),
    Column(_("Status"), lambda p: vocabulary_of(p.case.case_type).status_label(p.case.status)),
)


BODY = Coalesce("case__assigned_organisation__name", "case__place__name")
BY_BODY = Ranking("body", _("Responsible body"), key=BODY, name=BODY)
BY_TOPIC = Ranking("topic", _("Topic"), key="case__category__code", name="case__category__name_zh")
BY_COMMUNITY = by_community("case__place_path")
BY_KIND = Ranking("kind", _("Kind"), key="kind", name="kind", shown=lambda kind: Kind(kind).label)


def _page(petition) -> str:
    return reverse("cases:detail", args=[petition.case.number])


register(
    Indicator(
        code="petitions_sent",
        name=_("Online petitions sent"),
        definition=_("Petitions about the place sent during the period, of every kind."),
        unit=Unit.COUNT,
        capability=PETITIONS,
        by_department=True,
        records=sent,
        columns=COLUMNS,
        link=_page,
        rankings=(BY_KIND, BY_BODY, BY_TOPIC, BY_COMMUNITY),
    )
)
register(
    Indicator(
        code="petition_reply_on_time_rate",
        name=_("Reply-on-time rate of petitions"),
        definition=_(
            "Petitions replied to during the period within their limit (咨询 and 求助 3 "
            "working days, 建议 and 投诉 13, urgent ones the same day), of all replied to."
        ),
        unit=Unit.PERCENT,
        capability=PETITIONS,
        by_department=True,
        records=replied,
        columns=COLUMNS,
        link=_page,
        rankings=(BY_BODY, BY_TOPIC, BY_COMMUNITY),
        # Additive over the days of the replies: summed from rollup rows (insights.rollups).
        rollup=Rollup(
            day="case__reported_back_at",
            place="case__place_path",
            sources=(
                ("cases.Case", "reported_back_at"),
                ("petitions.Petition", "case__reported_back_at"),
            ),
        ),
    )
)
