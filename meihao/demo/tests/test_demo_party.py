"""The demo district's party organisations and members (demo.party), seeded once for the
module at a small scale."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import DEMO_PASSWORD
from meihao.demo.loader import row_counts
from meihao.party.models import PartyMember, PartyOrg, PartyPost
from meihao.party.selectors import led_orgs
from meihao.people.models import Organisation, PersonTag, RoleAssignment, User, age_on
from meihao.places.models import Level, Place

RESIDENTS = 200
Post = PartyPost.Post


def seed() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "seed_demo", residents=RESIDENTS, cases=0, patrols=0, activities=0, stdout=out, stderr=err
    )
    return err.getvalue()


def seed_for_module():
    return seed()


@pytest.fixture
def seeded(seeded_module, db):
    return seeded_module


def _holder(phone: str) -> User:
    return User.objects.select_related("person").get(phone=phone)


def test_the_stage_reports_what_it_wrote(seeded):
    assert "party organisations:" in seeded
    assert PartyOrg.objects.filter(is_demo=True).count() == PartyOrg.objects.count()
    assert PartyMember.objects.filter(is_demo=True).count() == PartyMember.objects.count()


def test_every_community_has_a_committee_with_branches(seeded):
    district = PartyOrg.objects.get(parent=None)
    assert district.name == "中共万秀区委员会"
    assert district.level == PartyOrg.Level.DISTRICT_COMMITTEE
    streets = PartyOrg.objects.filter(level=PartyOrg.Level.STREET_COMMITTEE)
    assert {s.place.name for s in streets} == {street for street, _c, _r in data.STREETS}
    assert all(s.parent_id == district.pk for s in streets)
    for community in Place.objects.filter(level=Level.COMMUNITY):
        committee = PartyOrg.objects.get(level=PartyOrg.Level.COMMUNITY_COMMITTEE, place=community)
        assert committee.name == f"中共{community.name}委员会"
        assert committee.parent.place_id == community.parent_id
        branches = committee.children.filter(level=PartyOrg.Level.BRANCH)
        assert 2 <= branches.count() <= 4
        assert f"{community.name}第一党支部" in {b.name for b in branches}
    # The demo community: a retired members' branch and the red-armband aunties' own.
    names = set(
        PartyOrg.objects.filter(parent__name="中共骑楼社区委员会").values_list("name", flat=True)
    )
    assert {"骑楼社区离退休党支部", "骑楼社区骑楼大妈志愿者党支部"} <= names
    groups = PartyOrg.objects.filter(level=PartyOrg.Level.GROUP)
    assert groups.exists()
    assert all(g.parent.level == PartyOrg.Level.BRANCH for g in groups)


def test_every_unit_has_its_branch_under_the_district(seeded):
    units = Organisation.objects.filter(
        is_demo=True, kind__in=[Organisation.Kind.UNIT, Organisation.Kind.DEPARTMENT]
    )
    branches = PartyOrg.objects.filter(unit__isnull=False).select_related("parent", "unit")
    assert sorted(b.unit_id for b in branches) == sorted(units.values_list("pk", flat=True))
    for branch in branches:
        assert branch.name == f"{branch.unit.name}机关党支部"
        assert branch.parent.level == PartyOrg.Level.DISTRICT_COMMITTEE
        assert branch.place.level == Level.DISTRICT


def test_paths_are_consistent(seeded):
    orgs = {org.pk: org for org in PartyOrg.objects.select_related("place")}
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        assert org.path == (parent.path if parent else "") + f"{org.pk}/"
        assert org.place_path == org.place.path
        if parent:
            assert org.place_path.startswith(parent.place_path)
    for member in PartyMember.objects.select_related("branch", "group"):
        assert member.branch.level == PartyOrg.Level.BRANCH
        assert member.org_path == member.branch.path
        assert member.group is None or member.group.parent_id == member.branch_id


def test_every_branch_has_one_secretary_who_is_its_member(seeded):
    # The temporary branches' members keep their home branches (demo.projects, its tests).
    branches = PartyOrg.objects.filter(level=PartyOrg.Level.BRANCH, temporary=False)
    members = set(PartyMember.objects.values_list("person_id", "branch_id"))
    for branch in branches:
        secretaries = list(branch.posts.filter(post=Post.SECRETARY))
        assert len(secretaries) == 1, branch.name
        assert (secretaries[0].person_id, branch.pk) in members, branch.name
        assert 2 <= branch.posts.count() <= 5
        assert branch.members.count() >= 3
    for group in PartyOrg.objects.filter(level=PartyOrg.Level.GROUP):
        (leader,) = group.posts.all()
        assert leader.post == Post.GROUP_LEADER
        assert PartyMember.objects.filter(person_id=leader.person_id, group=group).exists()
    # Every post is held by a party member; committees have a secretary too.
    holders = set(PartyPost.objects.values_list("person_id", flat=True))
    assert holders <= set(PartyMember.objects.values_list("person_id", flat=True))
    committees = PartyOrg.objects.exclude(level__in=[PartyOrg.Level.BRANCH, PartyOrg.Level.GROUP])
    for committee in committees.annotate(n=Count("posts")):
        assert committee.posts.filter(post=Post.SECRETARY).count() == 1, committee.name
    for committee in committees.filter(level=PartyOrg.Level.COMMUNITY_COMMITTEE):
        assert committee.posts.count() == 5


def test_every_tagged_party_member_has_a_membership(seeded):
    tagged = set(
        PersonTag.objects.filter(tag=PersonTag.Tag.PARTY_MEMBER).values_list("person_id", flat=True)
    )
    assert tagged
    assert tagged <= set(PartyMember.objects.values_list("person_id", flat=True))
    # The in-service members registered through their unit (dual registration) belong to its
    # branch, but for the community staff and street chiefs (their community's and street's)
    # and the demo party member (the demo community's first branch).
    from meihao.dual.models import MemberRegistration

    offices = RoleAssignment.objects.filter(role__in=[Role.COMMUNITY_STAFF, Role.STREET_CHIEF])
    registered = MemberRegistration.objects.exclude(person__user__phone="13900000008").exclude(
        person__user__in=offices.values("user")
    )
    assert registered.exists()
    for person_id, unit_id in registered.values_list("person_id", "unit_id"):
        assert PartyMember.objects.get(person_id=person_id).branch.unit_id == unit_id
    chiefs = PartyMember.objects.filter(
        person__user__in=offices.filter(role=Role.STREET_CHIEF).values("user")
    )
    assert {m.branch.name for m in chiefs} == {
        f"{street}机关党支部" for street, _c, _r in data.STREETS
    }


def test_members_records_look_real(seeded):
    from django.utils import timezone

    today = timezone.localdate()
    members = list(PartyMember.objects.select_related("person", "away_host", "branch"))
    for member in members:
        joined = member.joined_party_on
        assert joined is not None and joined <= today
        assert 18 <= age_on(member.person.birth_date, joined) <= 35
        if member.status == PartyMember.Status.PROBATIONARY:
            assert (today - joined).days < 366
        if member.away:
            assert member.away_where and member.away_contact
            assert 0 < (today - member.away_since).days <= 3 * 366
            assert member.away_host is None or member.away_host.parent_id != member.branch.parent_id
        else:
            assert not member.away_where and member.away_host is None
    assert any(m.status == PartyMember.Status.FULL for m in members)


def test_the_branch_secretary_leads_the_demo_community_first_branch(seeded, client):
    assert client.login(username="13900000016", password=DEMO_PASSWORD)
    user = _holder("13900000016")
    branch = PartyOrg.objects.get(name="骑楼社区第一党支部")
    assert list(led_orgs(user)) == [branch]
    assert branch.posts.get(post=Post.SECRETARY).person == user.person
    assert user.person.party_membership.branch == branch
    # She sees the demo party member and the demo community staff among her members.
    for phone in ("13900000008", "13900000003"):
        assert _holder(phone).person.party_membership.branch == branch
    response = client.get("/party/")
    assert response.status_code == 200
    assert "骑楼社区第一党支部" in response.content.decode()


def test_the_demo_office_holders_hold_their_posts(seeded):
    def post_of(phone, org_name):
        return PartyPost.objects.get(person=_holder(phone).person, org__name=org_name).post

    assert post_of("13900000004", "中共城东街道工作委员会") == Post.SECRETARY
    assert post_of("13900000003", "中共骑楼社区委员会") == Post.DEPUTY_SECRETARY
    assert post_of("13900000006", "中共万秀区委员会") == Post.COMMITTEE_MEMBER
    for phone in ("13900000003", "13900000004", "13900000006"):
        assert PartyMember.objects.filter(person__user__phone=phone).exists()


def test_loading_again_adds_nothing(seeded):
    before = row_counts(), PartyPost.objects.count()
    output = seed()
    assert (row_counts(), PartyPost.objects.count()) == before
    assert "party organisations: 0 new" in output


# -- the year of meetings (demo.party_meetings), as seeded today: test_demo_party_meetings has
# the checks and runs them on a pinned day too.


def test_every_branch_and_group_meets(seeded):
    from meihao.demo.tests import test_demo_party_meetings as meetings

    assert "party meetings:" in seeded
    meetings.check_every_branch_and_group_meets()
    meetings.check_the_lecturer_of_a_lecture_is_mostly_the_secretary()
    meetings.check_members_away_take_part_where_they_are()


def test_meetings_are_recorded_and_counted_as_the_party_app_does(seeded):
    from django.utils import timezone

    from meihao.demo.tests import test_demo_party_meetings as meetings

    now = timezone.now()
    meetings.check_meetings_are_recorded_as_the_party_app_records_them(now)
    meetings.check_tallies_are_what_the_meetings_say(now)
    meetings.check_some_branches_are_short(now)


def test_the_branch_secretary_has_meetings_to_approve_and_to_hold(seeded, client):
    from django.utils import timezone

    from meihao.demo.tests import test_demo_party_meetings as meetings

    meetings.check_the_branch_secretary_has_work(client, timezone.now())
