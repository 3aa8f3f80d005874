"""What a dashboard is about: a place (the district leader's, a street chief's, a community
secretary's), a department (its head's and staff's: the cases dispatched to it, the
applications it decides) or a volunteer team (its leaders': what it and the teams under it
organised). A department's or team's figures are the indicators that answer for one
(`Indicator.by_department`, `by_team`), counted over the place it serves.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from meihao.core.roles import Role
from meihao.core.scoping import organisation_ids, scope_paths
from meihao.insights.registry import Span
from meihao.people.models import Organisation, Team, TeamMember
from meihao.places.models import PATH_SEPARATOR, Level, Place
from meihao.volunteers.tiers import ALLIANCE_KINDS

PLACE, DEPARTMENT, TEAM = "place", "department", "team"
PLACE_FIELDS = ("id", "code", "name", "level", "path", "parent_id")


@dataclass(frozen=True)
class Subject:
    key: str  # how the page's `unit` names it: a place's code, a department's or team's id
    name: str
    place: Place  # where its figures are counted
    department: int | None = None
    team: int | None = None
    parent_id: int | None = None  # a team's parent team

    def span(self, first: date, last: date) -> Span:
        return Span.of(self.place.path, first, last, department=self.department, team=self.team)

    @property
    def params(self) -> dict:
        """The records pages' `place` and narrowing for its figures."""
        params = {"place": self.place.code}
        if self.department is not None:
            params["department"] = str(self.department)
        if self.team is not None:
            params["team"] = str(self.team)
        return params


def of_place(place: Place) -> Subject:
    return Subject(place.code, place.name, place)


def _district(path: str) -> Place:
    district = path.split(PATH_SEPARATOR, 1)[0] + PATH_SEPARATOR
    return Place.objects.only(*PLACE_FIELDS).get(path=district)


def of_department(organisation: Organisation) -> Subject:
    return Subject(str(organisation.pk), organisation.name, organisation.place, organisation.pk)


def of_team(team: Team, district: Place) -> Subject:
    return Subject(str(team.pk), team.name, district, team=team.pk, parent_id=team.parent_id)


def _departments():
    return Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).select_related("place")


def led_alliance_teams(user):
    """The teams of the volunteer alliance the user leads or is deputy of."""
    led = TeamMember.objects.filter(
        person__user=user,
        position__in=(TeamMember.Position.LEADER, TeamMember.Position.DEPUTY),
    ).values("team_id")
    return Team.objects.filter(pk__in=led, kind__in=ALLIANCE_KINDS)


def leads_a_team(user) -> bool:
    """Whether the user leads (or is deputy of) a team of the volunteer alliance; asked once a
    request (the menu asks on every page)."""
    cached = getattr(user, "_leads_a_team", None)
    if cached is None:
        cached = (
            bool(getattr(user, "is_authenticated", False)) and led_alliance_teams(user).exists()
        )
        user._leads_a_team = cached
    return cached


def holds(user, subject: str, role: str | None) -> bool:
    """Whether the user has anything to see on a board about `subject` (cheap: the menu asks)."""
    if subject == PLACE:
        return bool(scope_paths(user, {role}))
    if subject == DEPARTMENT:
        return bool(organisation_ids(user, {Role.DEPARTMENT_STAFF}))
    return leads_a_team(user)


def subjects_of(user, subject: str, role: str | None) -> list[Subject]:
    """What the user's board about `subject` may show, widest first."""
    if subject == PLACE:
        places = Place.objects.only(*PLACE_FIELDS).order_by("path")
        if user.is_superuser:
            return [of_place(p) for p in places.filter(level=Level.DISTRICT)]
        return [of_place(p) for p in places.filter(path__in=scope_paths(user, {role}))]
    if subject == DEPARTMENT:
        own = organisation_ids(user, {Role.DEPARTMENT_STAFF})
        return [of_department(o) for o in _departments().filter(pk__in=own).order_by("name")]
    teams = list(led_alliance_teams(user).order_by("place_path", "name"))
    return [of_team(team, _district(team.place_path)) for team in teams]


def peers_of(subject: Subject, kind: str) -> list[Subject]:
    """Who the subject is ranked among (itself included): a place's siblings, every department
    serving the same place, a team's sibling teams."""
    if kind == PLACE:
        place = subject.place
        siblings = Place.objects.filter(parent_id=place.parent_id, level=place.level)
        return [of_place(p) for p in siblings.only(*PLACE_FIELDS).order_by("code")]
    if kind == DEPARTMENT:
        departments = _departments().filter(place=subject.place).order_by("name")
        return [of_department(o) for o in departments]
    if subject.parent_id is None:
        return [subject]
    siblings = Team.objects.filter(parent_id=subject.parent_id, kind__in=ALLIANCE_KINDS)
    return [of_team(t, subject.place) for t in siblings.order_by("name")]


def below(subject: Subject, kind: str) -> list[Subject]:
    """What the board's ranking compares: the places right under a place, the departments (a
    department among its peers), the teams under a team (a team without any: its peers)."""
    if kind == PLACE:
        place = subject.place
        if place.level == Level.GRID:
            return []
        levels = {Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY}
        children = Place.objects.filter(
            parent_id=place.pk, level=levels.get(place.level, Level.GRID)
        )
        return [of_place(p) for p in children.only(*PLACE_FIELDS).order_by("code")]
    if kind == DEPARTMENT:
        return peers_of(subject, kind)
    children = Team.objects.filter(Q(parent_id=subject.team), kind__in=ALLIANCE_KINDS)
    found = [of_team(t, subject.place) for t in children.order_by("name")]
    return found or peers_of(subject, kind)
