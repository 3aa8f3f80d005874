"""Time-bank figures in the indicator registry.

* timebank_services — help given through the time bank: help requests of the place closed in
  the period (the requester confirmed, the helper's minutes deposited).
* timebank_beneficiaries — the people who drew on banked minutes (公益反哺): requesters of the
  withdrawals closed in the period, each once.
"""

from django.db.models import Count, Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import Status
from meihao.core.pii import mask_name_to_greet
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Span,
    Unit,
    by_community,
    register,
)
from meihao.people.models import Person
from meihao.timebank.models import HelpRequest

TIMEBANK = Capability("timebank", _("Time bank"), OFFICIALS)


def services_given(span: Span):
    """Help requests (not withdrawals) of the place closed in the period."""
    return (
        HelpRequest.objects.filter(
            community_path__startswith=span.place_path,
            kind=HelpRequest.Kind.HELP,
            case__status=Status.CLOSED,
            case__closed_at__gte=span.start,
            case__closed_at__lt=span.end,
        )
        .select_related("case", "community")
        .order_by("-case__closed_at", "-pk")
    )


register(
    Indicator(
        code="timebank_services",
        name=_("Time-bank services given"),
        definition=_(
            "Help requests of the place's time bank closed during the period: the help was "
            "given, the requester confirmed it and the helper's minutes were deposited."
        ),
        unit=Unit.COUNT,
        capability=TIMEBANK,
        records=services_given,
        columns=(
            Column(_("Number"), lambda r: r.case.number),
            Column(_("Community"), lambda r: r.community.name),
            Column(_("Closed at"), lambda r: f"{timezone.localtime(r.case.closed_at):%Y-%m-%d}"),
            Column(_("Minutes"), lambda r: r.minutes or 0),
        ),
        link=lambda r: reverse("timebank:request", kwargs={"number": r.case.number}),
        rankings=(by_community("community_path"),),
    )
)


def beneficiaries(span: Span):
    """The people who drew on banked minutes (公益反哺): requesters of the place's withdrawals
    closed in the period, each once."""
    withdrawn = HelpRequest.objects.filter(
        requester=OuterRef("pk"),
        community_path__startswith=span.place_path,
        kind=HelpRequest.Kind.WITHDRAWAL,
        case__status=Status.CLOSED,
        case__closed_at__gte=span.start,
        case__closed_at__lt=span.end,
    )
    return (
        Person.objects.filter(Exists(withdrawn))
        .annotate(
            withdrawals=Subquery(
                withdrawn.order_by().values("requester").annotate(n=Count("pk")).values("n")[:1]
            )
        )
        .order_by("real_name", "pk")
    )


register(
    Indicator(
        code="timebank_beneficiaries",
        name=_("Time-bank beneficiaries"),
        definition=_(
            "People who drew on banked minutes (公益反哺) in the place: the requesters of "
            "withdrawals closed during the period, each counted once."
        ),
        unit=Unit.COUNT,
        capability=TIMEBANK,
        records=beneficiaries,
        columns=(
            Column(_("Name"), lambda p: mask_name_to_greet(p.real_name)),
            Column(_("Withdrawals"), lambda p: p.withdrawals),
        ),
    )
)
