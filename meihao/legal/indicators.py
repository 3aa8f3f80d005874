"""Legal-advisor figures in the indicator registry: consultations asked, disputes taken in and
agreements reached, and the advisors' hours of service. Read by the officials of the place; the
records list number, topic or kind, community, state and advisor, never the question, the
facts or the parties."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import vocabulary_of
from meihao.cases.models import Case
from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Ranking,
    Rollup,
    Span,
    Unit,
    by_community,
    hours_of,
    register,
)
from meihao.legal.models import (
    DISPUTE_CODE,
    LEGAL_CODE,
    AdvisorService,
    Dispute,
    LegalAidReferral,
)

LEGAL = Capability("legal", _("Legal advisors"), OFFICIALS)


def consultations(span: Span):
    """Consultations asked by residents of the place in the period."""
    return (
        Case.objects.filter(
            case_type__code=LEGAL_CODE,
            consultation__place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .select_related("case_type", "category", "consultation__community", "assigned_user")
        .order_by("-created_at", "-pk")
    )


def services(span: Span):
    """What the advisors did in the place's communities in the period, each with its minutes."""
    return (
        AdvisorService.objects.filter(
            place_path__startswith=span.place_path,
            served_at__gte=span.start,
            served_at__lt=span.end,
        )
        .select_related("advisor", "community", "case")
        .order_by("-served_at", "-pk")
    )


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _status(case) -> str:
    return vocabulary_of(case.case_type).status_label(case.status)


BY_TOPIC = Ranking("topic", _("Topic"), key="category__code", name="category__name_zh")

register(
    Indicator(
        code="legal_consultations",
        name=_("Legal consultations"),
        definition=_(
            "Questions the residents of the place asked their community's legal advisor "
            "during the period."
        ),
        unit=Unit.COUNT,
        capability=LEGAL,
        records=consultations,
        # Counted from rollup rows: a consultation on the day it was asked, at its place.
        rollup=Rollup(
            day="created_at",
            place="consultation__place_path",
            sources=(("cases.Case", "created_at"), ("legal.Consultation", "case__created_at")),
        ),
        columns=(
            Column(_("Number"), lambda c: c.number),
            Column(_("Topic"), lambda c: c.category.display_name if c.category else ""),
            Column(_("Time asked"), lambda c: _local(c.created_at)),
            Column(_("Community"), lambda c: c.consultation.community.name),
            Column(_("Advisor"), lambda c: c.assigned_user.name if c.assigned_user else ""),
            Column(_("Status"), _status),
        ),
        rankings=(BY_TOPIC, by_community("consultation__place_path")),
    )
)
register(
    Indicator(
        code="legal_advisor_hours",
        name=_("Legal advisors' hours of service"),
        definition=_(
            "Hours the legal advisors served the place's communities during the period: the "
            "minutes each answer and mediation session took and the time they attended duty "
            "and legal-education sessions."
        ),
        unit=Unit.HOURS,
        capability=LEGAL,
        records=services,
        value=hours_of(services),
        columns=(
            Column(_("Served at"), lambda s: _local(s.served_at)),
            Column(_("Advisor"), lambda s: s.advisor.name),
            Column(_("Community"), lambda s: s.community.name),
            Column(_("Kind"), lambda s: s.get_kind_display()),
            Column(_("Minutes"), lambda s: s.minutes),
            Column(_("Number"), lambda s: s.case.number if s.case else ""),
        ),
    )
)


def disputes_taken_in(span: Span):
    """Disputes taken in at the place during the period."""
    return (
        Case.objects.filter(
            case_type__code=DISPUTE_CODE,
            dispute__place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .select_related("case_type", "category", "dispute__community", "assigned_user")
        .order_by("-created_at", "-pk")
    )


def agreements(span: Span):
    """Mediations of the place concluded with an agreement during the period."""
    return (
        Case.objects.filter(
            case_type__code=DISPUTE_CODE,
            dispute__place_path__startswith=span.place_path,
            dispute__outcome=Dispute.Outcome.AGREEMENT,
            dispute__concluded_at__gte=span.start,
            dispute__concluded_at__lt=span.end,
        )
        .select_related("case_type", "category", "dispute__community", "assigned_user")
        .order_by("-dispute__concluded_at", "-pk")
    )


BY_KIND = Ranking("kind", _("Kind of dispute"), key="category__code", name="category__name_zh")
DISPUTE_COLUMNS = (
    Column(_("Number"), lambda c: c.number),
    Column(_("Kind of dispute"), lambda c: c.category.display_name if c.category else ""),
    Column(_("Taken in"), lambda c: _local(c.created_at)),
    Column(_("Community"), lambda c: c.dispute.community.name),
    Column(_("Mediator"), lambda c: c.assigned_user.name if c.assigned_user else ""),
    Column(_("Major"), lambda c: _("yes") if c.dispute.major else ""),
    Column(_("Outcome"), lambda c: c.dispute.get_outcome_display()),
    Column(_("Status"), _status),
)

register(
    Indicator(
        code="legal_disputes",
        name=_("Disputes taken in for mediation"),
        definition=_(
            "Disputes the community staff and grid workers of the place took in for people's "
            "mediation during the period."
        ),
        unit=Unit.COUNT,
        capability=LEGAL,
        records=disputes_taken_in,
        columns=DISPUTE_COLUMNS,
        rankings=(BY_KIND, by_community("dispute__place_path")),
    )
)
register(
    Indicator(
        code="legal_agreements",
        name=_("Mediation agreements reached"),
        definition=_(
            "Mediations of the place's disputes concluded during the period with the parties' "
            "agreement."
        ),
        unit=Unit.COUNT,
        capability=LEGAL,
        records=agreements,
        columns=DISPUTE_COLUMNS,
        rankings=(BY_KIND, by_community("dispute__place_path")),
    )
)


def aid_referrals(span: Span):
    """Consultations of the place referred to a legal-aid centre during the period."""
    return (
        LegalAidReferral.objects.filter(
            place_path__startswith=span.place_path,
            referred_at__gte=span.start,
            referred_at__lt=span.end,
        )
        .select_related("consultation__case", "consultation__community", "centre__organisation")
        .order_by("-referred_at", "-pk")
    )


register(
    Indicator(
        code="legal_aid_referrals",
        name=_("Legal-aid referrals"),
        definition=_(
            "Consultations of the place the legal advisors screened and referred to a legal-aid "
            "centre during the period."
        ),
        unit=Unit.COUNT,
        capability=LEGAL,
        records=aid_referrals,
        columns=(
            Column(_("Number"), lambda r: r.consultation.case.number),
            Column(_("Referred at"), lambda r: _local(r.referred_at)),
            Column(_("Community"), lambda r: r.consultation.community.name),
            Column(_("Matter"), lambda r: r.get_matter_display()),
            Column(_("Decision"), lambda r: r.get_decision_display()),
        ),
        rankings=(
            Ranking(
                "decision",
                _("Decision"),
                key="decision",
                name="decision",
                shown=lambda value: str(LegalAidReferral.Decision(value).label),
            ),
            by_community("place_path"),
        ),
    )
)
