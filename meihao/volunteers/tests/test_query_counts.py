"""Lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.core.testing import make_user
from meihao.people.models import Team
from meihao.volunteers import teams
from meihao.volunteers.certificates import certificate_issue
from meihao.volunteers.tests.helpers import credit, register

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def grow(personas, alliance, n: int, start: int) -> None:
    """n more of everything the lists show: teams with members, volunteers with hours and
    certificates."""
    tree, staff = personas.tree, personas.community_staff_a
    for i in range(start, start + n):
        user = make_user(f"1360000{i:04d}", f"队员{i}", home=tree.grid_a1)
        profile = register(user, sequence=f"{i:03d}")
        credit(personas, profile.person, 60)
        certificate_issue(actor=staff, profile=profile, content="巡逻")
        team = teams.alliance_team_create(
            actor=staff,
            name=f"队伍{i}",
            kind=Team.Kind.RED_ARMBAND,
            place=tree.community_a,
            parent=alliance.street_a,
        )
        teams.team_join(actor=user, team=team, duty="security")
        teams.team_pairing_add(actor=staff, team=team, community=tree.community_a)


LISTS = [
    ("community_staff_a", "/volunteers/teams/"),
    ("community_staff_a", "/volunteers/roster/"),
    ("community_staff_a", "/volunteers/certificates/"),
]


def test_lists_do_not_grow_with_their_length(client, personas, alliance):
    grow(personas, alliance, 1, 0)
    before = {}
    for persona, url in LISTS:
        client.force_login(getattr(personas, persona))
        before[url] = queries(client, url)
    grow(personas, alliance, 4, 1)
    for persona, url in LISTS:
        client.force_login(getattr(personas, persona))
        assert queries(client, url) == before[url], url


def test_team_page_does_not_grow_with_members(client, personas, alliance):
    staff = personas.community_staff_a
    team = alliance.red_armband_a

    def add(i):
        user = make_user(f"1350000{i:04d}", f"队员{i}", home=personas.tree.grid_a1)
        profile = register(user, sequence=f"{i:03d}")
        teams.team_member_add(actor=staff, team=team, profile=profile, duty="inspection")

    add(0)
    client.force_login(staff)
    first = queries(client, f"/volunteers/teams/{team.pk}/")
    for i in range(1, 5):
        add(i)
    assert queries(client, f"/volunteers/teams/{team.pk}/") == first
