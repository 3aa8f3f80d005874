"""Every volunteers action on community B's objects, posted by every persona of community A (and
the ones with no place), answers 404 like a missing object and changes nothing: profiles and
the management of community B's alliance team. Dual registration's are in `dual`."""

import pytest

from meihao.core.models import AuditEvent
from meihao.people.models import TeamMember
from meihao.volunteers import teams
from meihao.volunteers.models import AllianceUnit, TeamPairing, VolunteerProfile
from meihao.volunteers.tests.helpers import register

OUTSIDERS = [
    "grid_worker_a",
    "community_staff_a",
    "street_chief_a",
    "department_staff",
    "resident_a",
    "volunteer_a",
    "party_member_a",
    "merchant_staff",
    "outsider",
]


@pytest.fixture
def world(personas, alliance):
    admin = personas.district_admin
    profile = register(personas.resident_b, sequence="456")
    membership = teams.team_member_add(actor=admin, team=alliance.team_b, profile=profile)
    return {
        "profile": profile,
        "team": alliance.team_b,
        "membership": membership,
    }


def snapshot(world):
    profile = VolunteerProfile.objects.get(pk=world["profile"].pk)
    return (
        (profile.is_active, profile.updated_at),
        list(TeamMember.objects.order_by("pk").values_list("pk", "position", "duty")),
        [model.objects.count() for model in (VolunteerProfile, AllianceUnit, TeamPairing)],
        AuditEvent.objects.count(),
    )


def out_of_sight_posts(world) -> dict[str, tuple[str, dict]]:
    profile = world["profile"].pk
    return {
        "suspend": (f"/volunteers/roster/{profile}/suspend/", {"reason": "违规"}),
        "reactivate": (f"/volunteers/roster/{profile}/reactivate/", {}),
        "certificate_issue": (f"/volunteers/roster/{profile}/certificates/", {}),
    }


ACTIONS = ["suspend", "reactivate", "certificate_issue"]


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_objects_out_of_sight_answer_404_and_change_nothing(
    client, personas, world, action
):
    url, data = out_of_sight_posts(world)[action]
    before = snapshot(world)
    for name in OUTSIDERS:
        client.force_login(getattr(personas, name))
        response = client.post(url, data)
        assert response.status_code == 404, (action, name)
        assert snapshot(world) == before, (action, name, "changed")
    # A missing object answers the same.
    missing = url.replace(f"/{world['profile'].pk}/", "/999999/")
    assert client.post(missing, data).status_code == 404


def test_managing_another_communitys_team_answers_404_and_changes_nothing(client, personas, world):
    team, membership = world["team"].pk, world["membership"].pk
    posts = [
        (f"/volunteers/teams/{team}/members/{membership}/", {"position": "leader", "duty": "x"}),
        (f"/volunteers/teams/{team}/members/{membership}/remove/", {}),
        (f"/volunteers/teams/{team}/members/", {"profile": world["profile"].pk}),
        (f"/volunteers/teams/{team}/units/", {"organisation": "1"}),
        (f"/volunteers/teams/{team}/pairings/", {"community": personas.tree.community_b.pk}),
    ]
    before = snapshot(world)
    for name in OUTSIDERS:
        client.force_login(getattr(personas, name))
        for url, data in posts:
            # The team page is public, but its management is offered to no one here: a
            # hand-made request answers like a missing page.
            assert client.post(url, data).status_code == 404, (name, url)
            assert snapshot(world) == before, (name, url, "changed")
