"""Claim mode: a case goes to a pool, and one of the people holding a claim role there takes it."""

import pytest

from meihao.cases import services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseEvent, CaseType
from meihao.core.errors import ConcurrentChange, NotFound, PermissionDenied
from meihao.core.roles import Role
from meihao.core.testing import make_user


@pytest.fixture
def wish_type(db):
    # A type of its own: the engine's claim mode, apart from the wishes app's WISH type.
    return CaseType.objects.create(
        code="CLAIMTEST",
        number_prefix="CT",
        name_zh="认领测试",
        name_en="Claim test",
        submit_roles=[Role.RESIDENT],
        claim_roles=[Role.PARTY_MEMBER],
        dispatch_mode=CaseType.DispatchMode.CLAIM,
    )


@pytest.fixture
def members(personas):
    tree = personas.tree
    return {
        "a1": make_user("13700000001", "党员甲", roles=[(Role.PARTY_MEMBER, tree.community_a)]),
        "a2": make_user("13700000002", "党员乙", roles=[(Role.PARTY_MEMBER, tree.community_a)]),
        "b": make_user("13700000003", "党员丙", roles=[(Role.PARTY_MEMBER, tree.community_b)]),
    }


@pytest.fixture
def wish(personas, wish_type):
    return services.case_submit(
        actor=personas.resident_a,
        case_type=wish_type,
        description="想要一台助听器",
        place=personas.tree.grid_a1,
        channel=Case.Channel.RESIDENT,
    )


def test_party_members_of_the_community_see_the_wish_in_their_pool(personas, members, wish):
    assert Case.objects.visible_to(members["a1"]).filter(pk=wish.pk).exists()
    assert case_abilities(wish, members["a1"])["claim"] is True
    assert not Case.objects.visible_to(members["b"]).filter(pk=wish.pk).exists()
    assert case_abilities(wish, members["b"])["claim"] is False


def test_claiming_makes_the_member_its_handler(personas, members, wish):
    claimed = services.case_claim(case=wish, actor=members["a1"])
    assert claimed.status == "dispatched"
    assert claimed.assigned_user == members["a1"]
    assert claimed.resolve_by is not None  # the handling clock starts
    assert CaseEvent.objects.filter(case=wish, action="claim").count() == 1
    services.case_report_back(case=claimed, actor=members["a1"], note="已送到老人家中")
    assert Case.objects.get(pk=wish.pk).status == "reported_back"


@pytest.mark.parametrize(
    ("who", "error"),
    [("b", NotFound), ("street_chief_a", PermissionDenied), ("resident_b", NotFound)],
)
def test_others_cannot_claim_and_nothing_changes(personas, members, wish, who, error):
    actor = members.get(who) or getattr(personas, who)
    with pytest.raises(error):
        services.case_claim(case=wish, actor=actor)
    wish.refresh_from_db()
    assert wish.status == "submitted" and wish.assigned_user is None
    assert not CaseEvent.objects.filter(case=wish, action="claim").exists()


def test_a_superuser_without_a_claim_role_does_not_claim(personas, members, wish):
    boss = make_user("13700000009", "超级管理员")
    boss.is_superuser = True
    boss.save()
    assert case_abilities(wish, boss)["claim"] is False
    with pytest.raises(PermissionDenied):
        services.case_claim(case=wish, actor=boss)


def test_two_members_claiming_at_once_one_wins(personas, members, wish):
    first, second = Case.objects.get(pk=wish.pk), Case.objects.get(pk=wish.pk)
    services.case_claim(case=first, actor=members["a1"])
    with pytest.raises(ConcurrentChange):
        services.case_claim(case=second, actor=members["a2"])
    wish.refresh_from_db()
    assert wish.assigned_user == members["a1"]
    # Claimed, it leaves the pool: the other member no longer sees it.
    assert not Case.objects.visible_to(members["a2"]).filter(pk=wish.pk).exists()


def test_assign_mode_cases_are_never_claimable(personas, members, new_case, grid_type):
    grid_type.claim_roles = [Role.PARTY_MEMBER]
    grid_type.save()
    case = new_case()
    assert case_abilities(case, members["a1"])["claim"] is False
    with pytest.raises((NotFound, PermissionDenied)):
        services.case_claim(case=case, actor=members["a1"])


def test_member_claims_from_the_case_page_and_through_the_api(client, members, wish, personas):
    client.force_login(members["a1"])
    page = client.get(f"/cases/{wish.number}/").content.decode()
    assert 'data-action="claim"' in page
    response = client.post(f"/cases/{wish.number}/act/claim/", {"next": f"/cases/{wish.number}/"})
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.assigned_user == members["a1"]

    other = services.case_submit(
        actor=personas.resident_a,
        case_type=wish.case_type,
        description="想请人帮忙修理水龙头",
        place=personas.tree.grid_a1,
        channel=Case.Channel.RESIDENT,
    )
    client.force_login(members["a2"])
    api = client.post(
        f"/api/v1/cases/{other.number}/actions/claim", {}, content_type="application/json"
    )
    assert api.status_code == 200, api.content
    other.refresh_from_db()
    assert other.assigned_user == members["a2"]
    # Claimed, it has left the pool: another member neither sees it nor can claim it.
    client.force_login(members["a1"])
    assert (
        client.post(
            f"/api/v1/cases/{other.number}/actions/claim", {}, content_type="application/json"
        ).status_code
        == 404
    )
