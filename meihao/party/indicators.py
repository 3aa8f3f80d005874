"""云上支部 figures in the indicator registry, over the place subtree the organisations are
attached to and a period of meeting days. They name organisations, types and places, never a
member (party data is personal: the pages behind them are the committees').

* party_meetings_held — meetings that count (quorate, minutes approved), by type and community:
  the seed's 530 sessions a year are this over the district for a year.
* party_meeting_attendance — of the members called to the meetings finished, the share present.
* party_members_away — members working away (流动党员) in the period.
* party_away_participation — of them, the share who attended a party meeting in the period,
  at their own branch or the one they take part with.
* party_temporary_branches — temporary branches (临时党支部) that existed in the period.
* party_study_completion — of the members each required study material published in the period
  reaches, the share who studied it.
"""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.activities.models import SignUp
from meihao.core.roles import OFFICIALS
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
    rate_measure,
    register,
)
from meihao.party.models import (
    PartyMeeting,
    PartyMember,
    PartyOrg,
    StudyMaterial,
)

PARTY = Capability("party", _("Party building"), OFFICIALS)


def _meetings(span: Span):
    return PartyMeeting.objects.filter(
        activity__place_path__startswith=span.place_path,
        held_on__gte=span.first_day,
        held_on__lte=span.last_day,
    )


def meetings_held(span: Span):
    return (
        _meetings(span)
        .filter(counted=True)
        .select_related("org", "meeting_type", "activity__place")
        .order_by("-held_on", "-pk")
    )


def meetings_finished(span: Span):
    return (
        _meetings(span)
        .filter(expected__isnull=False)
        .select_related("org", "meeting_type", "activity__place")
        .order_by("-held_on", "-pk")
    )


def attendance_rate(span: Span) -> Measure:
    row = meetings_finished(span).aggregate(present=Sum("present"), expected=Sum("expected"))
    return rate_measure(row["present"] or 0, row["expected"] or 0)


def _away(span: Span):
    return PartyMember.objects.filter(
        away=True,
        away_since__lte=span.last_day,
        branch__place_path__startswith=span.place_path,
    )


def members_away(span: Span):
    return _away(span).select_related("branch", "away_host").order_by("org_path", "pk")


def away_participation(span: Span):
    attended = SignUp.objects.filter(
        person_id=OuterRef("person_id"),
        attendance__isnull=False,
        activity__party_meeting__held_on__gte=span.first_day,
        activity__party_meeting__held_on__lte=span.last_day,
    )
    return members_away(span).annotate(
        in_numerator=ExpressionWrapper(Exists(attended), output_field=BooleanField())
    )


def temporary_branches(span: Span):
    return (
        PartyOrg.objects.filter(
            temporary=True,
            place_path__startswith=span.place_path,
            starts_on__lte=span.last_day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=span.first_day))
        .select_related("place", "parent")
        .annotate(member_count=Count("members"))
        .order_by("starts_on", "pk")
    )


MEETING_COLUMNS = (
    Column(_("Held on"), lambda m: m.held_on.isoformat()),
    Column(_("Organisation"), lambda m: m.org.name),
    Column(_("Type of meeting"), lambda m: m.meeting_type.name),
    Column(_("Place"), lambda m: m.activity.place.name),
    Column(_("Present"), lambda m: "" if m.present is None else f"{m.present}/{m.expected}"),
)
BY_TYPE = Ranking(
    "type", _("Type of meeting"), key="meeting_type__code", name="meeting_type__name_zh"
)


def _meeting_link(meeting) -> str:
    return reverse("party:meeting", args=[meeting.pk])


register(
    Indicator(
        code="party_meetings_held",
        name=_("Party meetings held"),
        definition=_(
            "Meetings of the party branches and groups attached to the place, held in the "
            "period, that count toward their obligations: quorate, with minutes approved by "
            "the secretary."
        ),
        unit=Unit.COUNT,
        capability=PARTY,
        records=meetings_held,
        columns=MEETING_COLUMNS,
        link=_meeting_link,
        rankings=(BY_TYPE, by_community("activity__place_path")),
    )
)
register(
    Indicator(
        code="party_meeting_attendance",
        name=_("Party meeting attendance"),
        definition=_(
            "Of the members called to the party meetings finished in the period, the share "
            "who signed in (on site or online)."
        ),
        unit=Unit.PERCENT,
        capability=PARTY,
        records=meetings_finished,
        value=attendance_rate,
        columns=MEETING_COLUMNS,
        link=_meeting_link,
        counted_whole=False,  # each meeting counts its members present of those called
        # Summed from rollup rows (insights.rollups): each meeting's members present and
        # called on the day it was held, at its activity's place.
        rollup=Rollup(
            day="held_on",
            place="activity__place_path",
            sources=(
                ("party.PartyMeeting", "held_on"),
                ("activities.Activity", "party_meeting__held_on"),
            ),
            amount="present",
            out_of="expected",
        ),
    )
)
AWAY_COLUMNS = (
    Column(_("Branch"), lambda m: m.branch.name),
    Column(_("Working in"), lambda m: m.away_where),
    Column(_("Away since"), lambda m: m.away_since.isoformat() if m.away_since else ""),
    Column(_("Takes part with"), lambda m: m.away_host.name if m.away_host else ""),
)
register(
    Indicator(
        code="party_members_away",
        name=_("Party members working away"),
        definition=_(
            "Members of the branches attached to the place recorded as working away (流动党员) "
            "at some time in the period."
        ),
        unit=Unit.COUNT,
        capability=PARTY,
        records=members_away,
        columns=AWAY_COLUMNS,
    )
)
register(
    Indicator(
        code="party_away_participation",
        name=_("Away members' participation"),
        definition=_(
            "Of the members working away, the share who attended a party meeting in the "
            "period, at their own branch or the branch they take part with where they work."
        ),
        unit=Unit.PERCENT,
        capability=PARTY,
        records=away_participation,
        columns=AWAY_COLUMNS,
    )
)
register(
    Indicator(
        code="party_temporary_branches",
        name=_("Temporary party branches"),
        definition=_(
            "Temporary branches (临时党支部) at project sites or of responsibility teams, "
            "attached to the place, that existed at some time in the period."
        ),
        unit=Unit.COUNT,
        capability=PARTY,
        records=temporary_branches,
        columns=(
            Column(_("Name"), lambda o: o.name),
            Column(_("Under"), lambda o: o.parent.name if o.parent else ""),
            Column(_("From"), lambda o: o.starts_on.isoformat()),
            Column(_("Until"), lambda o: o.ends_on.isoformat() if o.ends_on else ""),
            Column(_("Members"), lambda o: o.member_count),
        ),
        link=lambda o: reverse("party:org", args=[o.pk]),
    )
)


def materials_published(span: Span):
    return (
        StudyMaterial.objects.filter(
            required=True,
            org__place_path__startswith=span.place_path,
            published_on__gte=span.first_day,
            published_on__lte=span.last_day,
        )
        .select_related("org")
        .annotate(
            reached=Coalesce(
                Subquery(
                    PartyMember.objects.filter(org_path__startswith=OuterRef("org_path"))
                    .order_by()
                    .annotate(n=Func(F("pk"), function="COUNT"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            studied=Count("records"),
        )
        .order_by("-published_on", "-pk")
    )


def study_rate(span: Span) -> Measure:
    rows = list(materials_published(span).values_list("reached", "studied"))
    return rate_measure(sum(s for _, s in rows), sum(r for r, _ in rows))


register(
    Indicator(
        code="party_study_completion",
        name=_("Study completion"),
        definition=_(
            "Of the members reached by the required study materials the party organisations "
            "attached to the place published in the period, the share who studied them."
        ),
        unit=Unit.PERCENT,
        capability=PARTY,
        records=materials_published,
        value=study_rate,
        columns=(
            Column(_("Published on"), lambda m: m.published_on.isoformat()),
            Column(_("Title"), lambda m: m.title),
            Column(_("Organisation"), lambda m: m.org.name),
            Column(_("Studied"), lambda m: f"{m.studied}/{m.reached}"),
        ),
        link=lambda m: reverse("party:study_material", args=[m.pk]),
    )
)
