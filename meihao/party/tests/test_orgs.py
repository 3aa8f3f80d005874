"""The party tree, its posts and members: who sees what (a committee its subtree, a member their
own branch, nobody else anything: 404), and the writes (members entered, transfers recorded and
kept, away members, posts)."""

import datetime

import pytest
from django.urls import reverse

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.testing import make_user
from meihao.party import selectors, services
from meihao.party.models import MemberTransfer, PartyMember, PartyOrg, PartyPost
from meihao.party.testing import make_member

pytestmark = pytest.mark.django_db


def test_a_branch_secretary_sees_their_branch_and_nothing_beside_or_above(party, personas):
    visible = set(PartyOrg.objects.visible_to(party.secretary_a1))
    assert visible == {party.branch_a1, party.group_a1}
    members = set(PartyMember.objects.visible_to(party.secretary_a1))
    assert party.member_a1 in members
    assert {m.branch for m in members} == {party.branch_a1}


def test_a_street_committee_sees_its_streets_subtree(party, personas):
    visible = set(PartyOrg.objects.visible_to(personas.street_chief_a))
    assert party.community_a in visible and party.branch_a2 in visible
    assert party.branch_b1 not in visible and party.district not in visible


def test_a_member_sees_their_own_branch_and_record_only(party, personas):
    user = personas.party_member_a
    assert set(PartyOrg.objects.visible_to(user)) == {party.branch_a1, party.group_a1}
    assert list(PartyMember.objects.visible_to(user)) == [party.member_a1]


@pytest.mark.parametrize(
    "name",
    ["community_staff_a", "district_admin", "grid_worker_a", "resident_a", "outsider"],
)
def test_place_roles_give_no_sight_of_party_data(client, party, personas, name):
    user = getattr(personas, name)
    assert not PartyOrg.objects.visible_to(user).exists()
    assert not PartyMember.objects.visible_to(user).exists()
    client.force_login(user)
    for url in (
        reverse("party:home"),
        reverse("party:org", args=[party.branch_a1.pk]),
        reverse("party:member", args=[party.member_a1.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_party_pages_are_closed_to_anonymous_visitors(client, party):
    response = client.get(reverse("party:org", args=[party.branch_a1.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_secretary_reads_the_branch_with_its_members(client, party):
    client.force_login(party.secretary_a1)
    page = client.get(reverse("party:org", args=[party.branch_a1.pk])).content.decode()
    assert "党员甲" in page and "支书甲" in page
    assert 'id="member-form"' in page


def test_a_member_reads_their_branch_without_the_member_list(client, party, personas):
    client.force_login(personas.party_member_a)
    page = client.get(reverse("party:org", args=[party.branch_a1.pk])).content.decode()
    assert "骑楼社区第一党支部" in page
    assert 'id="members"' not in page and 'id="member-form"' not in page
    other = client.get(reverse("party:org", args=[party.branch_a2.pk]))
    assert other.status_code == 404


def test_bad_ids_are_404_not_500(client, party):
    client.force_login(party.secretary_a1)
    for bad in ("abc", "99999999", "-1", "1" * 40):
        assert client.get(reverse("party:org", args=[bad])).status_code == 404
        assert client.get(reverse("party:member", args=[bad])).status_code == 404


def test_entering_a_member_by_mobile(client, party, personas):
    client.force_login(party.secretary_a1)
    url = reverse("party:member_add", args=[party.branch_a1.pk])
    response = client.post(url, {"phone": "138 0000 0007", "status": "probationary"})
    member = PartyMember.objects.get(person=personas.resident_a.person)
    assert response.status_code == 302
    assert member.branch == party.branch_a1 and member.org_path == party.branch_a1.path
    assert member.status == PartyMember.Status.PROBATIONARY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "13899999999", "status": "full"}, "没有"),
        ({"phone": "13800000051", "status": "full"}, "已是"),
        ({"phone": "13800000007", "status": "boss"}, "正式"),
        ({"phone": "13800000007", "status": "full", "joined_party_on": "2999-01-01"}, "入党"),
    ],
)
def test_a_refused_member_entry_says_why_in_chinese_and_changes_nothing(
    client, party, data, message
):
    client.force_login(party.secretary_a1)
    before = PartyMember.objects.count()
    response = client.post(reverse("party:member_add", args=[party.branch_a1.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PartyMember.objects.count() == before


def test_a_secretary_cannot_write_in_another_branch(client, party, personas):
    client.force_login(party.secretary_a1)
    response = client.post(
        reverse("party:member_add", args=[party.branch_b1.pk]),
        {"phone": "13800000007", "status": "full"},
    )
    assert response.status_code == 404
    assert not PartyMember.objects.filter(person=personas.resident_a.person).exists()


def test_a_transfer_is_recorded_and_keeps_the_history(party, personas):
    member = party.member_a1
    with pytest.raises(ValidationFailed):  # the branch secretary covers no other branch
        services.member_transfer(
            actor=party.secretary_a1,
            member=member,
            to_branch_id=party.branch_a2.pk,
            on=datetime.date.today().isoformat(),
            reason="搬家",
        )
    transfer = services.member_transfer(
        actor=personas.street_chief_a,
        member=member,
        to_branch_id=party.branch_a2.pk,
        on=datetime.date.today().isoformat(),
        reason="搬家",
    )
    member.refresh_from_db()
    assert member.branch == party.branch_a2 and member.org_path == party.branch_a2.path
    assert member.group is None
    assert transfer.from_branch == party.branch_a1
    assert list(MemberTransfer.objects.filter(member=member)) == [transfer]
    # The old branch's secretary no longer reads the member; the history is append-only.
    assert member not in PartyMember.objects.visible_to(party.secretary_a1)
    with pytest.raises(ValueError):
        transfer.delete()


def test_a_transfer_outside_the_committee_is_refused(party, personas):
    with pytest.raises(ValidationFailed):
        services.member_transfer(
            actor=personas.street_chief_a,
            member=party.member_a1,
            to_branch_id=party.branch_b1.pk,
            on=datetime.date.today().isoformat(),
            reason="搬家",
        )
    party.member_a1.refresh_from_db()
    assert party.member_a1.branch == party.branch_a1


def test_recording_an_away_member(client, party):
    client.force_login(party.secretary_a1)
    response = client.post(
        reverse("party:member_away", args=[party.member_a1.pk]),
        {
            "away": "1",
            "away_where": "广州市天河区某物流公司",
            "away_since": "2025-03-01",
            "away_contact": "微信同号",
            "away_host": party.branch_b1.pk,
        },
    )
    assert response.status_code == 302
    party.member_a1.refresh_from_db()
    assert party.member_a1.away and party.member_a1.away_host == party.branch_b1
    refused = client.post(
        reverse("party:member_away", args=[party.member_a1.pk]), {"away": "1", "away_where": ""}
    )
    assert refused.status_code == 400 and "外出" in refused.content.decode()
    party.member_a1.refresh_from_db()
    assert party.member_a1.away_where == "广州市天河区某物流公司"


def test_a_new_secretary_takes_the_seat(party, personas):
    seat = services.post_assign(
        actor=personas.street_chief_a, org=party.branch_a1, phone="13800000051", post="secretary"
    )
    assert seat.post == PartyPost.Post.SECRETARY
    old = PartyPost.objects.get(org=party.branch_a1, person=party.secretary_a1.person)
    assert old.post == PartyPost.Post.COMMITTEE_MEMBER


def test_only_a_member_holds_a_post(party, personas):
    with pytest.raises(ValidationFailed):
        services.post_assign(
            actor=personas.street_chief_a,
            org=party.branch_a1,
            phone="13800000007",
            post="committee_member",
        )


def test_a_temporary_branch_needs_its_dates(party, personas):
    with pytest.raises(ValidationFailed):
        services.org_create(
            actor=personas.street_chief_a,
            parent=party.street_a,
            name="项目临时党支部",
            level="branch",
            place_id=personas.tree.street_a.pk,
            temporary=True,
        )
    branch = services.org_create(
        actor=personas.street_chief_a,
        parent=party.street_a,
        name="项目临时党支部",
        level="branch",
        place_id=personas.tree.street_a.pk,
        temporary=True,
        starts_on="2026-03-01",
        ends_on="2026-12-31",
    )
    assert branch.path == f"{party.street_a.path}{branch.pk}/"
    assert branch in PartyOrg.objects.visible_to(personas.street_chief_a)


def test_an_organisation_outside_the_parents_area_is_refused(party, personas):
    with pytest.raises(ValidationFailed):
        services.org_create(
            actor=personas.street_chief_a,
            parent=party.street_a,
            name="越界支部",
            level="branch",
            place_id=personas.tree.street_b.pk,
        )
    with pytest.raises(NotFound):
        services.org_create(
            actor=party.secretary_a1,
            parent=party.community_a,
            name="越权支部",
            level="branch",
            place_id=personas.tree.community_a.pk,
        )


def test_the_party_menu_is_offered_to_members_and_post_holders_alone(party, personas):
    from meihao.web.menu import menu

    url = reverse("party:home")
    assert url in {e.url for e in menu(party.secretary_a1)}
    assert url in {e.url for e in menu(personas.party_member_a)}
    assert url not in {e.url for e in menu(personas.community_staff_a)}


def test_scripts_in_names_are_shown_as_text(client, party, personas):
    user = make_user("13800000071", "<script>alert(1)</script>", home=personas.tree.grid_a1)
    make_member(user.person, party.branch_a1)
    client.force_login(party.secretary_a1)
    page = client.get(reverse("party:org", args=[party.branch_a1.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_organisations_under_one_count_their_members(party):
    counts = {c.name: c.member_count for c in selectors.children_with_counts(party.branch_a1)}
    assert counts == {"第一党小组": 1}  # the party member, in the group of branch a1
    street = {c.name: c.member_count for c in selectors.children_with_counts(party.street_a)}
    assert street == {"中共骑楼社区委员会": 3}
