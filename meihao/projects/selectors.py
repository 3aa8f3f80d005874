"""Reads of the responsibility projects, for the officials of their place and their teams."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_id
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_q, visible_to
from meihao.party.models import PartyOrg
from meihao.people.models import Person, Team, TeamMember
from meihao.places.geo import parse_boundary
from meihao.projects.models import Household, Project


def sees_projects(user) -> bool:
    """Whether the projects' pages are for `user` (asked once per request: the menu asks it
    of every page)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_sees_projects", None)  # the menu may have asked already (web.menu)
    if cached is None:
        cached = user._sees_projects = Project.objects.visible_to(user).exists()
    return cached


def projects_of(user):
    return (
        Project.objects.visible_to(user)
        .select_related("team", "place")
        .annotate(
            in_scope=Count("households"),
            signed=Count("households", filter=Q(households__signed_on__isnull=False)),
            relocated=Count("households", filter=Q(households__relocated_on__isnull=False)),
        )
        .order_by("-starts_on", "pk")
    )


def project_get(user, pk) -> Project:
    project = (
        Project.objects.visible_to(user)
        .filter(pk=parse_id(pk))
        .select_related("team", "place", "branch")
        .first()
    )
    if project is None:
        raise NotFound()
    return project


def household_get(user, pk) -> Household:
    household = (
        Household.objects.filter(pk=parse_id(pk), project__in=Project.objects.visible_to(user))
        .select_related("project", "building")
        .first()
    )
    if household is None:
        raise NotFound()
    return household


@dataclass
class Progress:
    in_scope: int
    visited: int
    signed: int
    relocated: int

    def share(self, n: int) -> int:
        return round(100 * n / self.in_scope) if self.in_scope else 0

    @property
    def signed_share(self) -> int:
        return self.share(self.signed)

    @property
    def relocated_share(self) -> int:
        return self.share(self.relocated)


def progress(project: Project) -> Progress:
    row = project.households.aggregate(
        in_scope=Count("pk"),
        visited=Count("pk", filter=Q(visited_on__isnull=False)),
        signed=Count("pk", filter=Q(signed_on__isnull=False)),
        relocated=Count("pk", filter=Q(relocated_on__isnull=False)),
    )
    return Progress(**row)


def chart(project: Project) -> dict:
    """Households signed and relocated so far, day by day from the start to today (the
    project page's ECharts line)."""
    signed = Counter(
        dict(
            project.households.filter(signed_on__isnull=False)
            .values_list("signed_on")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    relocated = Counter(
        dict(
            project.households.filter(relocated_on__isnull=False)
            .values_list("relocated_on")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    today = timezone.localdate()
    days, signed_so_far, relocated_so_far = [], [], []
    total_signed = total_relocated = 0
    day = project.starts_on
    while day <= today:
        total_signed += signed.get(day, 0)
        total_relocated += relocated.get(day, 0)
        days.append(day.isoformat())
        signed_so_far.append(total_signed)
        relocated_so_far.append(total_relocated)
        day += datetime.timedelta(days=1)
    return {"days": days, "signed": signed_so_far, "relocated": relocated_so_far}


def milestones_of(project: Project) -> list:
    today = timezone.localdate()
    milestones = list(project.milestones.all())
    for milestone in milestones:
        if milestone.reached_on:
            milestone.days = (milestone.reached_on - project.starts_on).days
        else:
            milestone.days_left = (milestone.due_on - today).days
            milestone.days_late = max(0, -milestone.days_left)
    return milestones


def team_on_site(project: Project):
    return (
        Person.objects.filter(team_memberships__team=project.team)
        .order_by("team_memberships__position", "real_name")
        .only("real_name")
    )


def households_of(project: Project, *, status: str = "", q: str = ""):
    households = project.households.select_related("building")
    if status in Household.Status.values:
        households = households.filter(status=status)
    if q:
        households = households.filter(Q(label__contains=q) | Q(building__name__contains=q))
    return households.order_by("building__name", "label", "pk")


def site_map(project: Project) -> dict:
    """The project's site and its households' buildings, for the Leaflet map: the boundary
    (when it is a valid polygon) and a point a building with how many of its households are in
    scope, signed and relocated. Empty when there is nothing to draw."""
    features = []
    if project.boundary:
        try:
            parse_boundary(project.boundary)
        except ValidationFailed:
            pass  # a malformed boundary is not drawn; the buildings still are
        else:
            features.append(
                {
                    "type": "Feature",
                    "geometry": project.boundary,
                    "properties": {"role": "site", "name": project.name},
                }
            )
    buildings = (
        project.households.filter(building__lat__isnull=False, building__lon__isnull=False)
        .values("building_id", "building__name", "building__lat", "building__lon")
        .annotate(
            households=Count("pk"),
            signed=Count("pk", filter=Q(signed_on__isnull=False)),
            relocated=Count("pk", filter=Q(relocated_on__isnull=False)),
        )
        .order_by("building__name", "building_id")
    )
    for row in buildings:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [row["building__lon"], row["building__lat"]],
                },
                "properties": {
                    "role": "building",
                    "name": row["building__name"],
                    "summary": _(
                        "%(households)s households: %(signed)s signed, %(relocated)s relocated"
                    )
                    % row,
                    "all_signed": row["signed"] == row["households"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- responsibility teams (承责团队) ----------------------------------------------------------


def teams_of(user):
    """The responsibility teams `user` may read: the officials of the district they are placed
    at or of a street or community they cover, and their own members."""
    teams = Team.objects.filter(kind=Team.Kind.RESPONSIBILITY)
    if not getattr(user, "is_authenticated", False):
        return teams.none()
    covering = Team.covered_places.through.objects.filter(
        scope_q(user, path_field="place__path", roles=OFFICIALS)
    ).values("team_id")
    mine = TeamMember.objects.filter(person__user=user).values("team_id")
    return visible_to(teams, user, roles=OFFICIALS, own=Q(pk__in=covering) | Q(pk__in=mine))


def sees_teams(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_sees_teams", None)
    if cached is None:
        cached = user._sees_teams = teams_of(user).exists()
    return cached


def team_list(user):
    return (
        teams_of(user)
        .annotate(
            project_count=Count("projects", distinct=True),
            unit_count=Count("units", distinct=True),
            member_count=Count("memberships", distinct=True),
        )
        .order_by("name", "pk")
    )


def team_get(user, pk) -> Team:
    team = teams_of(user).filter(pk=parse_id(pk)).select_related("place").first()
    if team is None:
        raise NotFound()
    return team


@dataclass
class TeamSheet:
    """What a responsibility team is: who leads it, its units, where it works, its temporary
    branches and projects as far as the reader may follow them, and its members on site by
    what they do."""

    leaders: list
    units: list
    covered: list
    branches: list
    projects: list
    on_site: dict


def team_sheet(user, team: Team) -> TeamSheet:
    rank = Case(
        When(position=TeamMember.Position.LEADER, then=0),
        When(position=TeamMember.Position.DEPUTY, then=1),
        default=2,
    )
    memberships = team.memberships.select_related("person").order_by(rank, "person__real_name")
    leaders, on_site = [], {}
    for membership in memberships:
        if membership.position in (TeamMember.Position.LEADER, TeamMember.Position.DEPUTY):
            leaders.append(membership)
        else:
            on_site.setdefault(membership.duty, []).append(membership.person.real_name)
    branches = list(
        PartyOrg.objects.filter(Q(team=team) | Q(projects__team=team))
        .distinct()
        .order_by("starts_on", "pk")
    )
    readable = set(
        PartyOrg.objects.visible_to(user)
        .filter(pk__in=[b.pk for b in branches])
        .values_list("pk", flat=True)
    )
    for branch in branches:
        branch.readable = branch.pk in readable
    projects = list(projects_of(user).filter(team=team).order_by("starts_on", "pk"))
    return TeamSheet(
        leaders=leaders,
        units=list(team.units.order_by("name").values_list("name", flat=True)),
        covered=list(team.covered_places.order_by("path")),
        branches=branches,
        projects=projects,
        on_site=on_site,
    )
