"""Community police figures in the indicator registry: tips and hazards sent and how soon the
officers acted on them, police groups and their members, and the streets' police teams (四队).
Read by the police and the officials of the place; the records list number, kind, place,
officer and state — never the tip's words or who sent it."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import vocabulary_of
from meihao.cases.models import Case
from meihao.core.roles import OFFICIALS, Role
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Ranking,
    Rollup,
    Span,
    Unit,
    by_community,
    mean_hours_of,
    register,
)
from meihao.people.indicators import TEAM_COLUMNS, standing_teams
from meihao.people.models import Team, TeamMember
from meihao.police.models import TIP_CODE, PoliceGroup

POLICE = Capability("police", _("Community police"), OFFICIALS | {Role.POLICE_OFFICER})


def tips(span: Span):
    """Tips and hazards residents of the place sent in the period."""
    return (
        Case.objects.filter(
            case_type__code=TIP_CODE,
            tip__place_path__startswith=span.place_path,
            created_at__gte=span.start,
            created_at__lt=span.end,
        )
        .select_related("case_type", "category__parent", "place", "assigned_user", "tip")
        .order_by("-created_at", "-pk")
    )


def groups(span: Span):
    """The police groups of blocks reaching into the place, set up by the period's end."""
    return (
        PoliceGroup.objects.filter(
            block__grids__path__startswith=span.place_path, created_at__lt=span.end
        )
        .distinct()
        .select_related("team", "block", "officer")
        .order_by("team__name", "pk")
    )


def members(span: Span):
    """The members, at the period's end, of those groups."""
    return (
        TeamMember.objects.filter(
            team__kind=Team.Kind.POLICE_GROUP,
            team__police_group__in=groups(span).values("pk"),
            joined_on__lte=span.last_day,
        )
        .select_related("team")
        .order_by("team__name", "-joined_on", "pk")
    )


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _hours_to_action(case) -> str:
    acted = case.tip.acted_at
    return f"{(acted - case.created_at).total_seconds() / 3600:.1f}" if acted else ""


def _status(case) -> str:
    return str(case.get_status_display())


TIP_COLUMNS = (
    Column(_("Number"), lambda c: c.number),
    Column(_("Kind"), lambda c: c.category.display_name if c.category else ""),
    Column(_("Sent at"), lambda c: _local(c.created_at)),
    Column(_("Where"), lambda c: c.place.name if c.place else ""),
    Column(_("Officer"), lambda c: c.assigned_user.name if c.assigned_user else ""),
    Column(_("Status"), _status),
    Column(_("Hours to action"), _hours_to_action),
)
BY_FAMILY = Ranking(
    "family", _("Tip or hazard"), key="category__parent__code", name="category__parent__name_zh"
)
BY_STATUS = Ranking(
    "status",
    _("Status"),
    key="status",
    name="status",
    shown=lambda status: vocabulary_of(TIP_CODE).status_label(status),
)

register(
    Indicator(
        code="police_tips",
        name=_("Tips and hazards sent to the police"),
        definition=_(
            "Suspicious activity and safety hazards the residents of the place sent to their "
            "community police officer during the period."
        ),
        unit=Unit.COUNT,
        capability=POLICE,
        records=tips,
        # Counted from rollup rows: a tip on the day it was sent, at its place.
        rollup=Rollup(
            day="created_at",
            place="tip__place_path",
            sources=(("cases.Case", "created_at"), ("police.Tip", "case__created_at")),
        ),
        columns=TIP_COLUMNS,
        rankings=(BY_FAMILY, BY_STATUS, by_community("tip__place_path")),
    )
)
register(
    Indicator(
        code="police_tip_action_hours",
        name=_("Hours from a tip to police action"),
        definition=_(
            "Mean hours from a tip or hazard being sent to its officer first acting on it, for "
            "those of the period that were acted on."
        ),
        unit=Unit.HOURS,
        capability=POLICE,
        records=tips,
        value=mean_hours_of(tips, end="tip__acted_at", start="created_at"),
        columns=TIP_COLUMNS,
        higher_is_better=False,
    )
)
register(
    Indicator(
        code="police_groups",
        name=_("Community police groups"),
        definition=_("The community police groups of the place's blocks at the period's end."),
        unit=Unit.COUNT,
        capability=POLICE,
        records=groups,
        columns=(
            Column(_("Group"), lambda g: g.team.name),
            Column(_("Block"), lambda g: g.block.name),
            Column(_("Officer"), lambda g: g.officer.name),
            Column(_("Set up"), lambda g: _local(g.created_at)),
        ),
    )
)
register(
    Indicator(
        code="police_group_members",
        name=_("Members of community police groups"),
        definition=_(
            "Residents in the place's community police groups at the period's end (one count "
            "per membership)."
        ),
        unit=Unit.COUNT,
        capability=POLICE,
        records=members,
        columns=(
            Column(_("Group"), lambda m: m.team.name),
            Column(_("Joined on"), lambda m: m.joined_on.isoformat()),
        ),
    )
)
register(
    Indicator(
        code="police_teams",
        name=_("Police teams"),
        definition=_(
            "The police teams (四队: patrol and prevention, public order, investigation, "
            "community policing) based in the place at the period's end."
        ),
        unit=Unit.COUNT,
        capability=POLICE,
        records=standing_teams(Team.Kind.POLICE_TEAM),
        columns=TEAM_COLUMNS,
    )
)
