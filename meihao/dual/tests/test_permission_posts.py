"""Every dual-registration action on community B's posts and claims, posted by every persona of
community A (and the ones with no place), answers 404 like a missing object and changes
nothing."""

import pytest
from django.utils import timezone

from meihao.core.models import AuditEvent
from meihao.core.testing import make_user
from meihao.dual import services
from meihao.dual.models import MemberRegistration, PostClaim, ServicePost, UnitRegistration
from meihao.people.models import Organisation

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
def world(personas):
    tree, admin = personas.tree, personas.district_admin
    year = timezone.localdate().year
    unit = Organisation.objects.create(
        name="河东电厂",
        kind=Organisation.Kind.UNIT,
        place=tree.street_b,
        place_path=tree.street_b.path,
    )
    member_b = make_user("13800000071", "党员丁", home=tree.grid_b1)
    services.member_register(
        actor=admin, person=member_b.person, unit=unit, community=tree.community_b, year=year
    )
    post = services.post_publish(
        actor=admin,
        community=tree.community_b,
        year=year,
        title="河堤清洁",
        expected_minutes=120,
        slots=2,
    )
    claim = services.post_claim(actor=member_b, post=post)
    return {"post": post, "claim": claim}


def snapshot(world):
    post = ServicePost.objects.get(pk=world["post"].pk)
    claim = PostClaim.objects.get(pk=world["claim"].pk)
    return (
        (post.is_open, post.claimed_count, post.updated_at),
        (claim.status, claim.updated_at),
        [
            model.objects.count()
            for model in (UnitRegistration, MemberRegistration, ServicePost, PostClaim)
        ],
        AuditEvent.objects.count(),
    )


def out_of_sight_posts(world) -> dict[str, tuple[str, dict]]:
    post, claim = world["post"].pk, world["claim"].pk
    return {
        "post_status": (f"/volunteers/dual/posts/{post}/status/", {"open": "0"}),
        "claim_confirm": (
            f"/volunteers/dual/claims/{claim}/confirm/",
            {f"c{claim}-hours": "2", f"c{claim}-note": "好"},
        ),
        "claim_release": (f"/volunteers/dual/claims/{claim}/release/", {}),
        "post_claim": (f"/volunteers/posts/{post}/claim/", {}),
        "claim_cancel": (f"/volunteers/posts/mine/{claim}/cancel/", {}),
    }


ACTIONS = ["post_status", "claim_confirm", "claim_release", "post_claim", "claim_cancel"]


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
    missing = url
    for key in ("post", "claim"):
        missing = missing.replace(f"/{world[key].pk}/", "/999999/")
    assert client.post(missing, data).status_code == 404
