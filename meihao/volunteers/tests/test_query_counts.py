"""Lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meihao.core.testing import make_user
from meihao.people.models import Organisation, Team
from meihao.volunteers import dual, teams
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
    certificates, party members with posts and confirmed claims."""
    tree, staff = personas.tree, personas.community_staff_a
    year = timezone.localdate().year
    unit = Organisation.objects.get_or_create(
        name="城东小学", kind="unit", place=tree.street_a, place_path=tree.street_a.path
    )[0]
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
        dual.member_register(
            actor=staff, person=user.person, unit=unit, community=tree.community_a, year=year
        )
        post = dual.post_publish(
            actor=staff,
            community=tree.community_a,
            year=year,
            title=f"岗位{i}",
            expected_minutes=60,
            slots=3,
        )
        claim = dual.post_claim(actor=user, post=post)
        dual.post_claim_confirm(actor=staff, claim=claim, minutes=30)


LISTS = [
    ("community_staff_a", "/volunteers/teams/"),
    ("community_staff_a", "/volunteers/roster/"),
    ("community_staff_a", "/volunteers/certificates/"),
    ("community_staff_a", "/volunteers/dual/"),
    ("community_staff_a", "/volunteers/dual/posts/"),
    ("community_staff_a", "/volunteers/dual/report/"),
    ("party_member_a", "/volunteers/posts/"),
]


def test_lists_do_not_grow_with_their_length(client, personas, alliance):
    year = timezone.localdate().year
    unit = Organisation.objects.create(
        name="城东中学",
        kind="unit",
        place=personas.tree.street_a,
        place_path=personas.tree.street_a.path,
    )
    dual.member_register(
        actor=personas.community_staff_a,
        person=personas.party_member_a.person,
        unit=unit,
        community=personas.tree.community_a,
        year=year,
    )
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
