"""The responsibility projects' figures, over the place a project lies in and a period of days.

* project_households_signed / project_households_relocated — households that signed, or moved
  out, on a day of the period (the article's 10,221 signed and 9,269 relocated are these over
  the district since the projects began), ranked by project.
* project_milestone_days — of the milestones reached in the period, the mean days from their
  project's start (the article's land delivered in 100 days is one such milestone).
* projects_started — the projects in the place started by the end of the period (the article's
  five areas of renovation).
* responsibility_teams, responsibility_team_leaders, responsibility_team_units — standing counts
  of the teams based in the place at the end of the period, of their leading cadres (leaders
  and deputies, the article's 18) and of their member units (the article's 32).
"""

from django.db.models import IntegerField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import OFFICIALS
from meihao.insights.registry import (
    Capability,
    Column,
    Indicator,
    Measure,
    Ranking,
    Span,
    Unit,
    register,
)
from meihao.people.indicators import TEAM_COLUMNS, standing_teams
from meihao.people.models import Team, TeamMember
from meihao.projects.models import Household, Milestone, Project

PROJECTS = Capability("projects", _("Responsibility projects"), OFFICIALS)
BY_PROJECT = Ranking(
    "project",
    _("Project"),
    key=Cast("project_id", output_field=IntegerField()),
    name="project__name",
)


def _households(field: str):
    def records(span: Span):
        return (
            Household.objects.filter(
                project__place_path__startswith=span.place_path,
                **{f"{field}__gte": span.first_day, f"{field}__lte": span.last_day},
            )
            .select_related("project", "building")
            .order_by(f"-{field}", "pk")
        )

    return records


HOUSEHOLD_COLUMNS = (
    Column(_("Project"), lambda h: h.project.name),
    Column(_("Building"), lambda h: h.building.name if h.building else ""),
    Column(_("House"), lambda h: h.label),
    Column(_("Signed on"), lambda h: h.signed_on.isoformat() if h.signed_on else ""),
    Column(_("Relocated on"), lambda h: h.relocated_on.isoformat() if h.relocated_on else ""),
)

register(
    Indicator(
        code="project_households_signed",
        name=_("Households signed"),
        definition=_(
            "Households in scope of the responsibility projects in the place that signed their "
            "agreement on a day of the period."
        ),
        unit=Unit.COUNT,
        capability=PROJECTS,
        records=_households("signed_on"),
        columns=HOUSEHOLD_COLUMNS,
        link=lambda h: reverse("projects:detail", args=[h.project_id]),
        rankings=(BY_PROJECT,),
    )
)
register(
    Indicator(
        code="project_households_relocated",
        name=_("Households relocated"),
        definition=_(
            "Households in scope of the responsibility projects in the place that moved out on "
            "a day of the period."
        ),
        unit=Unit.COUNT,
        capability=PROJECTS,
        records=_households("relocated_on"),
        columns=HOUSEHOLD_COLUMNS,
        link=lambda h: reverse("projects:detail", args=[h.project_id]),
        rankings=(BY_PROJECT,),
    )
)


def milestones_reached(span: Span):
    return (
        Milestone.objects.filter(
            project__place_path__startswith=span.place_path,
            reached_on__gte=span.first_day,
            reached_on__lte=span.last_day,
        )
        .select_related("project")
        .order_by("-reached_on", "pk")
    )


def mean_days(span: Span) -> Measure:
    milestones = list(milestones_reached(span).values_list("reached_on", "project__starts_on"))
    if not milestones:
        return Measure(value=None, numerator=0, denominator=0)
    days = sum((reached - started).days for reached, started in milestones)
    return Measure(
        value=round(days / len(milestones), 1), numerator=days, denominator=len(milestones)
    )


register(
    Indicator(
        code="project_milestone_days",
        name=_("Days to a milestone"),
        definition=_(
            "Of the milestones of the responsibility projects in the place reached in the "
            "period, the mean number of days from their project's start."
        ),
        unit=Unit.DAYS,
        capability=PROJECTS,
        records=milestones_reached,
        value=mean_days,
        columns=(
            Column(_("Project"), lambda m: m.project.name),
            Column(_("Milestone"), lambda m: m.name),
            Column(_("Reached on"), lambda m: m.reached_on.isoformat()),
            Column(_("Days from the start"), lambda m: (m.reached_on - m.project.starts_on).days),
        ),
        link=lambda m: reverse("projects:detail", args=[m.project_id]),
    )
)


def projects_started(span: Span):
    """The projects lying in the place that started by the end of the period."""
    return (
        Project.objects.filter(place_path__startswith=span.place_path, starts_on__lte=span.last_day)
        .select_related("place", "team")
        .order_by("starts_on", "pk")
    )


register(
    Indicator(
        code="projects_started",
        name=_("Projects started"),
        definition=_(
            "The responsibility teams' projects (shanty-town renovation, land clearance, city "
            "renewal) lying in the place that had started by the end of the period."
        ),
        unit=Unit.COUNT,
        capability=PROJECTS,
        records=projects_started,
        columns=(
            Column(_("Project"), lambda p: p.name),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Place"), lambda p: p.place.name),
            Column(_("Started on"), lambda p: p.starts_on.isoformat()),
            Column(_("Team"), lambda p: p.team.name),
        ),
        link=lambda p: reverse("projects:detail", args=[p.pk]),
    )
)


responsibility_teams = standing_teams(Team.Kind.RESPONSIBILITY)


def _team_link(record) -> str:
    return reverse("projects:team", args=[record.team_id])


register(
    Indicator(
        code="responsibility_teams",
        name=_("Responsibility teams"),
        definition=_(
            "Responsibility teams (承责团队) of leaders and units based in the place at the end of "
            "the period."
        ),
        unit=Unit.COUNT,
        capability=PROJECTS,
        records=responsibility_teams,
        columns=TEAM_COLUMNS,
        link=lambda t: reverse("projects:team", args=[t.pk]),
    )
)


def team_leaders(span: Span):
    """The leaders and deputy leaders of the responsibility teams standing at the end of the
    period, on the team by then: one record a team led (a cadre leading two counts twice)."""
    return (
        TeamMember.objects.filter(
            team__in=responsibility_teams(span).values("pk"),
            position__in=(TeamMember.Position.LEADER, TeamMember.Position.DEPUTY),
            joined_on__lte=span.last_day,
        )
        .select_related("team", "person")
        .order_by("team__name", "-position", "person__real_name", "pk")  # "leader" > "deputy"
    )


register(
    Indicator(
        code="responsibility_team_leaders",
        name=_("Responsibility team leaders"),
        definition=_(
            "The leading cadres of the responsibility teams based in the place — each team's "
            "leader and deputy leaders — on their team at the end of the period (a cadre leading "
            "two teams counts twice)."
        ),
        unit=Unit.COUNT,
        capability=PROJECTS,
        records=team_leaders,
        columns=(
            Column(_("Name"), lambda m: m.person.real_name),
            Column(_("Position"), lambda m: m.get_position_display()),
            Column(_("Team"), lambda m: m.team.name),
            Column(_("Joined on"), lambda m: m.joined_on.isoformat()),
        ),
        link=_team_link,
    )
)


def team_units(span: Span):
    """The member units (成员单位) of the responsibility teams standing at the end of the
    period: one record a unit and team. A unit's membership keeps no date, so today's members
    are read."""
    return (
        Team.units.through.objects.filter(team__in=responsibility_teams(span).values("pk"))
        .select_related("team", "organisation")
        .order_by("team__name", "organisation__name", "pk")
    )


register(
    Indicator(
        code="responsibility_team_units",
        name=_("Responsibility team member units"),
        definition=_(
            "The member units (成员单位) of the responsibility teams based in the place at the "
            "end of the period (a unit serving in two teams counts twice)."
        ),
        unit=Unit.COUNT,
        capability=PROJECTS,
        records=team_units,
        columns=(
            Column(_("Unit"), lambda u: u.organisation.name),
            Column(_("Team"), lambda u: u.team.name),
        ),
        link=_team_link,
    )
)
