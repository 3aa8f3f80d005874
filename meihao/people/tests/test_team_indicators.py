"""The teams' standing counts (`people.indicators`), one a team kind, each registered by the app
that runs those teams: the teams of the kind based in the place by the period's end."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meihao.insights.registry import REGISTRY, Span
from meihao.people.models import Team

pytestmark = pytest.mark.django_db
FORMED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
COUNTS = {
    "volunteer_teams": Team.Kind.VOLUNTEER,
    "service_squads": Team.Kind.SERVICE_SQUAD,
    "red_armband_stations": Team.Kind.RED_ARMBAND,
    "responsibility_teams": Team.Kind.RESPONSIBILITY,
    "department_teams": Team.Kind.DEPARTMENT,
    "lecture_teams": Team.Kind.LECTURE,
    "police_teams": Team.Kind.POLICE_TEAM,
}
PAGES = {
    "volunteer_teams": lambda t: reverse("volunteers:team", args=[t.pk]),
    "service_squads": lambda t: reverse("volunteers:team", args=[t.pk]),
    "red_armband_stations": lambda t: reverse("volunteers:team", args=[t.pk]),
    "responsibility_teams": lambda t: reverse("projects:team", args=[t.pk]),
    "lecture_teams": lambda t: f"{reverse('lectures:menu')}?team={t.pk}",
}


def team(name, kind, place) -> Team:
    return Team.objects.create(name=name, kind=kind, place=place, place_path=place.path)


@pytest.mark.parametrize("code", sorted(COUNTS))
def test_a_team_kinds_count_is_its_teams_based_in_the_place_by_the_periods_end(personas, code):
    tree, kind = personas.tree, COUNTS[code]
    with time_machine.travel(FORMED, tick=False):
        in_a = team("甲队", kind, tree.community_a)
        team("乙队", kind, tree.street_b)
        # Another kind of team, in the same place, is not counted.
        other = Team.Kind.LECTURE if kind != Team.Kind.LECTURE else Team.Kind.VOLUNTEER
        team("别的队", other, tree.community_a)
    with time_machine.travel(FORMED + datetime.timedelta(days=3), tick=False):
        team("新队", kind, tree.community_a)
    indicator = REGISTRY[code]
    formed = timezone.localdate(FORMED)

    def count(place, day):
        return indicator.measure(Span.of(place.path, day, day)).value

    assert count(tree.district, formed) == 2
    assert (count(tree.street_a, formed), count(tree.community_b, formed)) == (1, 0)
    assert count(tree.district, formed - datetime.timedelta(days=1)) == 0
    assert count(tree.district, formed + datetime.timedelta(days=3)) == 3
    records = list(indicator.records(Span.of(tree.street_a.path, formed, formed)))
    assert records == [in_a]
    assert [str(column.value(in_a)) for column in indicator.columns][:2] == ["甲队", "骑楼社区"]
    if code in PAGES:
        assert indicator.link(in_a) == PAGES[code](in_a)
    else:  # no page of its own to open
        assert indicator.link is None
