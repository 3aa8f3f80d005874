"""Volunteer registration figures in the indicator registry.

* registered_volunteers — the standing count of real-name registered volunteers (网上注册志愿者)
  of the place's communities at the end of the period, suspended ones excluded.
* volunteer_teams, service_squads, red_armband_stations — standing counts of the alliance's
  teams of each kind based in the place at the end of the period (`people.indicators`): the
  article's 100+ volunteer teams, the time bank's six squads (志愿服务小分队) and a community's
  red-armband station (红袖章驿站).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.activities.indicators import VOLUNTEERING, by_team
from meihao.activities.models import Activity
from meihao.insights.registry import Column, Indicator, Span, Unit, by_community, register
from meihao.people.indicators import TEAM_COLUMNS, standing_teams
from meihao.people.models import Person, Team, TeamMember
from meihao.people.selectors import team_and_below
from meihao.volunteers.models import AllianceUnit, VolunteerProfile
from meihao.volunteers.tiers import ALLIANCE_KINDS


def registered_volunteers(span: Span):
    """Active registrations with a community in the place made by the end of the period."""
    return (
        VolunteerProfile.objects.filter(
            community_path__startswith=span.place_path,
            status=VolunteerProfile.Status.ACTIVE,
            registered_at__lt=span.end,
        )
        .select_related("person", "community")
        .order_by("community_path", "-registered_at", "pk")
    )


register(
    Indicator(
        code="registered_volunteers",
        name=_("Registered volunteers"),
        definition=_(
            "Volunteers registered under their real name with the place's communities by the "
            "end of the period, suspended ones excluded."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=registered_volunteers,
        columns=(
            Column(_("Volunteer"), lambda v: v.person.real_name),
            Column(_("Community"), lambda v: v.community.name),
            Column(_("Registered at"), lambda v: f"{timezone.localtime(v.registered_at):%Y-%m-%d}"),
        ),
        link=lambda v: reverse("people:detail", args=[v.person_id]),
        rankings=(by_community("community_path"),),
    )
)


def _team_page(team) -> str:
    return reverse("volunteers:team", args=[team.pk])


register(
    Indicator(
        code="volunteer_teams",
        name=_("Volunteer teams"),
        definition=_(
            "Volunteer teams of the alliance (党建益联盟) based in the place at the end of the "
            "period."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=standing_teams(Team.Kind.VOLUNTEER),
        columns=TEAM_COLUMNS,
        link=_team_page,
    )
)
register(
    Indicator(
        code="service_squads",
        name=_("Service squads"),
        definition=_(
            "Volunteer service squads (志愿服务小分队, such as the time bank's) based in the place "
            "at the end of the period."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=standing_teams(Team.Kind.SERVICE_SQUAD),
        columns=TEAM_COLUMNS,
        link=_team_page,
    )
)
register(
    Indicator(
        code="red_armband_stations",
        name=_("Red-armband stations"),
        definition=_(
            "Red-armband stations (红袖章驿站: the red-armband teams) based in the place at the "
            "end of the period."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=standing_teams(Team.Kind.RED_ARMBAND),
        columns=TEAM_COLUMNS,
        link=_team_page,
    )
)


def alliance_units(span: Span):
    """The units members of an alliance tier or volunteer team based in the place, joined by
    the end of the period."""
    return (
        AllianceUnit.objects.filter(
            team__place_path__startswith=span.place_path, joined_on__lte=span.last_day
        )
        .select_related("team", "organisation")
        .order_by("team__place_path", "organisation__name", "pk")
    )


register(
    Indicator(
        code="alliance_units",
        name=_("Alliance member units"),
        definition=_(
            "Memberships of units (单位) in the alliance's tiers and volunteer teams based in "
            "the place, joined by the end of the period (a unit in two teams counts twice)."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        records=alliance_units,
        columns=(
            Column(_("Unit"), lambda u: u.organisation.name),
            Column(_("Team"), lambda u: u.team.name),
            Column(_("Joined on"), lambda u: u.joined_on),
        ),
        link=lambda u: reverse("volunteers:team", args=[u.team_id]),
    )
)


def volunteer_projects(span: Span):
    """Volunteer-service activities in the place starting in the period, published or held."""
    return (
        Activity.objects.filter(
            by_team(span),
            kind=Activity.Kind.VOLUNTEER_SERVICE,
            status__in=(Activity.Status.PUBLISHED, Activity.Status.FINISHED),
            place_path__startswith=span.place_path,
            starts_at__gte=span.start,
            starts_at__lt=span.end,
        )
        .select_related("place")
        .order_by("-starts_at", "-pk")
    )


register(
    Indicator(
        code="volunteer_projects",
        name=_("Volunteer projects"),
        definition=_(
            "Volunteer-service activities (志愿服务项目) in the place starting during the "
            "period, published or held; cancelled ones and drafts are not counted."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        by_team=True,
        records=volunteer_projects,
        columns=(
            Column(_("Starts"), lambda a: f"{timezone.localtime(a.starts_at):%Y-%m-%d %H:%M}"),
            Column(_("Title"), lambda a: a.title),
            Column(_("Place"), lambda a: a.place.name),
            Column(_("Status"), lambda a: a.get_status_display()),
        ),
        link=lambda a: reverse("activities:detail", args=[a.pk]),
    )
)


def alliance_members(span: Span):
    """The people on a team of the alliance based in the place (of the span's team and those
    under it, when it names one) who joined by the end of the period, each once."""
    memberships = TeamMember.objects.filter(
        team__kind__in=ALLIANCE_KINDS,
        team__place_path__startswith=span.place_path,
        joined_on__lte=span.last_day,
    )
    if span.team is not None:
        memberships = memberships.filter(team__in=team_and_below(span.team))
    return (
        Person.objects.filter(pk__in=memberships.values("person"))
        .select_related("home_place")
        .order_by("home_place__path", "pk")
    )


register(
    Indicator(
        code="alliance_members",
        name=_("Alliance team members"),
        definition=_(
            "People on the alliance's volunteer teams, service squads and red-armband teams "
            "based in the place at the end of the period, each counted once."
        ),
        unit=Unit.COUNT,
        capability=VOLUNTEERING,
        by_team=True,
        records=alliance_members,
        columns=(
            Column(_("Volunteer"), lambda p: p.real_name),
            Column(_("Community or grid"), lambda p: p.home_place.name if p.home_place else ""),
        ),
        link=lambda p: reverse("people:detail", args=[p.pk]),
    )
)
