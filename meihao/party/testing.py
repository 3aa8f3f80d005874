"""A small party tree over the test personas' places, for the tests of every app that needs one."""

from dataclasses import dataclass

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.party.models import PartyMember, PartyOrg, PartyPost

Level = PartyOrg.Level


@dataclass
class Party:
    district: PartyOrg
    street_a: PartyOrg
    street_b: PartyOrg
    community_a: PartyOrg
    community_b: PartyOrg
    branch_a1: PartyOrg
    branch_a2: PartyOrg
    group_a1: PartyOrg
    branch_b1: PartyOrg
    secretary_a1: object  # the log-in of branch a1's secretary
    member_a1: PartyMember  # personas.party_member_a's membership


def make_org(name, level, parent, place, **extra) -> PartyOrg:
    org = PartyOrg.objects.create(
        name=name, level=level, parent=parent, path="", place=place, place_path=place.path, **extra
    )
    org.path = f"{parent.path if parent else ''}{org.pk}/"
    org.save(update_fields=["path"])
    return org


def make_member(person, branch, *, status=PartyMember.Status.FULL, **extra) -> PartyMember:
    return PartyMember.objects.create(
        person=person, branch=branch, org_path=branch.path, status=status, **extra
    )


def build_party(personas) -> Party:
    tree = personas.tree
    district = make_org("中共万秀区委员会", Level.DISTRICT_COMMITTEE, None, tree.district)
    street_a = make_org("中共城东街道工作委员会", Level.STREET_COMMITTEE, district, tree.street_a)
    street_b = make_org("中共城南街道工作委员会", Level.STREET_COMMITTEE, district, tree.street_b)
    community_a = make_org(
        "中共骑楼社区委员会", Level.COMMUNITY_COMMITTEE, street_a, tree.community_a
    )
    community_b = make_org(
        "中共河东社区委员会", Level.COMMUNITY_COMMITTEE, street_b, tree.community_b
    )
    branch_a1 = make_org("骑楼社区第一党支部", Level.BRANCH, community_a, tree.community_a)
    branch_a2 = make_org("骑楼社区第二党支部", Level.BRANCH, community_a, tree.community_a)
    group_a1 = make_org("第一党小组", Level.GROUP, branch_a1, tree.community_a)
    branch_b1 = make_org("河东社区第一党支部", Level.BRANCH, community_b, tree.community_b)
    secretary = make_user(
        "13800000070", "支书甲", home=tree.grid_a1, roles=[(Role.RESIDENT, tree.grid_a1)]
    )
    make_member(secretary.person, branch_a1)
    PartyPost.objects.create(org=branch_a1, person=secretary.person, post=PartyPost.Post.SECRETARY)
    member = make_member(personas.party_member_a.person, branch_a1, group=group_a1)
    make_member(personas.street_chief_a.person, branch_a2)
    PartyPost.objects.create(
        org=street_a, person=personas.street_chief_a.person, post=PartyPost.Post.SECRETARY
    )
    return Party(
        district,
        street_a,
        street_b,
        community_a,
        community_b,
        branch_a1,
        branch_a2,
        group_a1,
        branch_b1,
        secretary,
        member,
    )


def make_meeting(org, meeting_type, day, *, counted=False):
    """A past meeting of `org` on `day` (an activity already finished), for tests of figures."""
    import datetime

    from django.utils import timezone

    from meihao.activities.models import Activity
    from meihao.party.models import PartyMeeting
    from meihao.people.models import User

    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    activity = Activity.objects.create(
        kind=Activity.Kind.BRANCH_MEETING,
        title=f"{org.name}{meeting_type.name_zh}",
        place=org.place,
        place_path=org.place_path,
        venue="党群服务中心",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        capacity=50,
        status=Activity.Status.FINISHED,
        created_by=User.objects.order_by("pk").first(),
    )
    return PartyMeeting.objects.create(
        activity=activity,
        org=org,
        org_path=org.path,
        meeting_type=meeting_type,
        held_on=day,
        minutes="纪要",
        counted=counted,
        quorate=True,
    )
