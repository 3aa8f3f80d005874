"""Every volunteers action on community B's objects, posted by every persona of community A (and
the ones with no place), answers 404 like a missing object and changes nothing: profiles,
dual-registration posts and claims, and the management of community B's alliance team."""

import pytest
from django.utils import timezone

from meihao.core.models import AuditEvent
from meihao.core.testing import make_user
from meihao.people.models import Organisation, TeamMember
from meihao.volunteers import dual, teams
from meihao.volunteers.models import (
    AllianceUnit,
    MemberRegistration,
    PostClaim,
    ServicePost,
    TeamPairing,
    UnitRegistration,
    VolunteerProfile,
)
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
    tree, admin = personas.tree, personas.district_admin
    year = timezone.localdate().year
    profile = register(personas.resident_b, sequence="456")
    membership = teams.team_member_add(actor=admin, team=alliance.team_b, profile=profile)
    unit = Organisation.objects.create(
        name="河东电厂",
        kind=Organisation.Kind.UNIT,
        place=tree.street_b,
        place_path=tree.street_b.path,
    )
    member_b = make_user("13800000071", "党员丁", home=tree.grid_b1)
    dual.member_register(
        actor=admin, person=member_b.person, unit=unit, community=tree.community_b, year=year
    )
    post = dual.post_publish(
        actor=admin,
        community=tree.community_b,
        year=year,
        title="河堤清洁",
        expected_minutes=120,
        slots=2,
    )
    claim = dual.post_claim(actor=member_b, post=post)
    return {
        "profile": profile,
        "team": alliance.team_b,
        "membership": membership,
        "post": post,
        "claim": claim,
    }


def snapshot(world):
    profile = VolunteerProfile.objects.get(pk=world["profile"].pk)
    post = ServicePost.objects.get(pk=world["post"].pk)
    claim = PostClaim.objects.get(pk=world["claim"].pk)
    return (
        (profile.is_active, profile.updated_at),
        (post.is_open, post.claimed_count, post.updated_at),
        (claim.status, claim.updated_at),
        list(TeamMember.objects.order_by("pk").values_list("pk", "position", "duty")),
        [
            model.objects.count()
            for model in (
                VolunteerProfile,
                AllianceUnit,
                TeamPairing,
                UnitRegistration,
                MemberRegistration,
                ServicePost,
                PostClaim,
            )
        ],
        AuditEvent.objects.count(),
    )


def out_of_sight_posts(world) -> dict[str, tuple[str, dict]]:
    profile, post, claim = world["profile"].pk, world["post"].pk, world["claim"].pk
    return {
        "suspend": (f"/volunteers/roster/{profile}/suspend/", {"reason": "违规"}),
        "reactivate": (f"/volunteers/roster/{profile}/reactivate/", {}),
        "certificate_issue": (f"/volunteers/roster/{profile}/certificates/", {}),
        "post_status": (f"/volunteers/dual/posts/{post}/status/", {"open": "0"}),
        "claim_confirm": (
            f"/volunteers/dual/claims/{claim}/confirm/",
            {f"c{claim}-hours": "2", f"c{claim}-note": "好"},
        ),
        "claim_release": (f"/volunteers/dual/claims/{claim}/release/", {}),
        "post_claim": (f"/volunteers/posts/{post}/claim/", {}),
        "claim_cancel": (f"/volunteers/posts/mine/{claim}/cancel/", {}),
    }


ACTIONS = [
    "suspend", "reactivate", "certificate_issue", "post_status", "claim_confirm",
    "claim_release", "post_claim", "claim_cancel",
]  # fmt: skip


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
    for key in ("post", "claim"):
        missing = missing.replace(f"/{world[key].pk}/", "/999999/")
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
