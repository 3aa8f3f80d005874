"""The responsibility projects' figures, over the place a project lies in and a period of days.

* project_households_signed / project_households_relocated — households that signed, or moved
  out, on a day of the period (the article's 10,221 signed and 9,269 relocated are these over
  the district since the projects began), ranked by project.
* project_milestone_days — of the milestones reached in the period, the mean days from their
  project's start (the article's land delivered in 100 days is one such milestone).
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
from meihao.people.models import Team
from meihao.people.selectors import teams_standing
from meihao.projects.models import Household, Milestone

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


def responsibility_teams(span: Span):
    """The responsibility teams (承责团队) based in the place, created by the end of the period."""
    return teams_standing(Team.Kind.RESPONSIBILITY, span.place_path, span.end)


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
        columns=(
            Column(_("Team"), lambda t: t.name),
            Column(_("Place"), lambda t: t.place.name),
        ),
        link=lambda t: reverse("projects:team", args=[t.pk]),
    )
)
