"""The venue bookings' tests: two bookable venues (one confirming at once, one needing
approval), a volunteer team with its leader (a resident, no official role) and a second team
they do not lead."""

import datetime
from dataclasses import dataclass

import pytest

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.people.models import Team, TeamMember
from meihao.places.models import Venue


@dataclass
class Hall:
    venue: Venue  # community A's activity room, 08:00–21:30, confirmed at once
    centre: Venue  # community A's service centre: bookings wait for approval
    team: Team
    leader: object
    other_team: Team


@pytest.fixture
def hall(personas) -> Hall:
    tree = personas.tree
    common = {
        "place": tree.community_a,
        "place_path": tree.community_a.path,
        "address": "骑楼街1号",
        "lat": 23.41,
        "lon": 111.205,
        "bookable": True,
        "opens_at": datetime.time(8, 0),
        "closes_at": datetime.time(21, 30),
    }
    venue = Venue.objects.create(
        name="骑楼社区文体活动室",
        kind=Venue.Kind.ACTIVITY_ROOM,
        capacity=50,
        equipment="音响、投影仪",
        **common,
    )
    centre = Venue.objects.create(
        name="骑楼社区新时代文明实践站",
        kind=Venue.Kind.SERVICE_CENTRE,
        capacity=80,
        needs_approval=True,
        **common,
    )
    team = Team.objects.create(
        name="骑楼社区红棉志愿服务队",
        kind=Team.Kind.VOLUNTEER,
        place=tree.community_a,
        place_path=tree.community_a.path,
    )
    other_team = Team.objects.create(
        name="河东社区红棉志愿服务队",
        kind=Team.Kind.VOLUNTEER,
        place=tree.community_b,
        place_path=tree.community_b.path,
    )
    leader = make_user(
        "13800000095", "服务队长", home=tree.grid_a2, roles=[(Role.RESIDENT, tree.grid_a2)]
    )
    TeamMember.objects.create(team=team, person=leader.person, position="leader")
    return Hall(venue, centre, team, leader, other_team)
