"""Reads of the party organisations, scoped by the posts a user holds and their own membership
(`PartyOrg.objects.visible_to`, `PartyMember.objects.visible_to`); anything else is NotFound."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from meihao.activities.models import Activity, SignUp
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.scoping import starts_with
from meihao.party.models import (
    MemberTransfer,
    PartyMeeting,
    PartyMember,
    PartyOrg,
    PartyPost,
    committee_paths,
    committee_q,
)
from meihao.party.services import manages
from meihao.people.models import Person


def sees_party(user) -> bool:
    """Whether the party pages are for `user`: a post holder or a member (one query, asked
    once per request: the menu asks it of every page)."""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_sees_party", None)  # the menu may have asked already (web.menu)
    if cached is None:
        cached = Person.objects.filter(
            Exists(PartyPost.objects.filter(person=OuterRef("pk")))
            | Exists(PartyMember.objects.filter(person=OuterRef("pk"))),
            user=user,
        ).exists()
        user._sees_party = cached
    return cached


def own_membership(user) -> PartyMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PartyMember.objects.filter(person__user=user)
        .select_related("branch", "group", "away_host")
        .first()
    )


def led_orgs(user):
    """The outermost organisations the user holds a post on (a superuser: the roots)."""
    if getattr(user, "is_superuser", False):
        return PartyOrg.objects.filter(parent__isnull=True)
    return PartyOrg.objects.filter(path__in=committee_paths(user))


def org_get(user, pk) -> PartyOrg:
    org = (
        PartyOrg.objects.visible_to(user)
        .filter(pk=parse_id(pk))
        .select_related("place", "unit", "parent", "team")
        .first()
    )
    if org is None:
        raise NotFound()
    return org


def ancestors(user, org: PartyOrg) -> list[PartyOrg]:
    """The organisations above `org` that the user may open (for the breadcrumbs)."""
    ids = [parse_id(part) for part in org.path.split("/") if part][:-1]
    return list(PartyOrg.objects.visible_to(user).filter(pk__in=ids).order_by("path"))


def children_with_counts(org: PartyOrg) -> list[PartyOrg]:
    """The organisations directly under `org`, each with the members of its subtree."""
    children = list(org.children.order_by("temporary", "name").select_related("place"))
    per_path = Counter(
        dict(
            PartyMember.objects.filter(starts_with("org_path", org.path))
            .values_list("org_path")
            .annotate(n=Count("pk"))
        )
    )
    in_groups = Counter(
        dict(
            PartyMember.objects.filter(group__parent=org)
            .values_list("group_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    for child in children:
        if child.level == PartyOrg.Level.GROUP:  # a group's members are its branch's
            child.member_count = in_groups.get(child.pk, 0)
        else:
            child.member_count = sum(
                n for path, n in per_path.items() if path.startswith(child.path)
            )
    return children


def posts_of(org: PartyOrg):
    return org.posts.select_related("person").order_by("post", "id")


def members_of(user, org: PartyOrg, *, away: bool | None = None):
    """The members of `org`'s subtree, for those who manage it (NotFound otherwise)."""
    if not manages(user, org):
        raise NotFound()
    members = PartyMember.objects.filter(starts_with("org_path", org.path))
    if away is not None:
        members = members.filter(away=away)
    return members.select_related("person", "branch", "group").order_by(
        "org_path", "person__real_name", "pk"
    )


def member_counts(org: PartyOrg) -> dict:
    return PartyMember.objects.filter(starts_with("org_path", org.path)).aggregate(
        total=Count("pk"),
        probationary=Count("pk", filter=Q(status=PartyMember.Status.PROBATIONARY)),
        away=Count("pk", filter=Q(away=True)),
    )


def member_get(user, pk) -> PartyMember:
    member = (
        PartyMember.objects.visible_to(user)
        .filter(pk=parse_id(pk))
        .select_related("person", "branch", "group", "away_host")
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def transfers_of(member: PartyMember):
    return MemberTransfer.objects.filter(member=member).select_related(
        "from_branch", "to_branch", "recorded_by"
    )


def transfer_targets(user, member: PartyMember):
    """Branches the actor's committee covers, the member's own excluded."""
    branches = PartyOrg.objects.filter(level=PartyOrg.Level.BRANCH)
    if not getattr(user, "is_superuser", False):
        branches = branches.filter(committee_q(user, "path"))
    return branches.exclude(pk=member.branch_id).order_by("path")


def seat_get(user, pk) -> PartyPost:
    seat = PartyPost.objects.filter(pk=parse_id(pk)).select_related("org").first()
    if seat is None or not manages(user, seat.org):
        raise NotFound()
    return seat


# --- meetings --------------------------------------------------------------------------------


def meeting_get(user, pk) -> PartyMeeting:
    """A meeting the user may see: the activity's own visibility (the owned kind's rules)."""
    meeting = (
        PartyMeeting.objects.filter(
            pk=parse_id(pk),
            activity__in=Activity.objects.visible_to(user).filter(
                kind=Activity.Kind.BRANCH_MEETING
            ),
        )
        .select_related("activity", "org", "meeting_type", "lecturer", "minutes_by", "approved_by")
        .first()
    )
    if meeting is None:
        raise NotFound()
    return meeting


def meetings_of(org: PartyOrg):
    """The meetings of `org` and of the groups under it, latest first."""
    return (
        PartyMeeting.objects.filter(starts_with("org_path", org.path))
        .select_related("activity", "meeting_type", "org")
        .order_by("-activity__starts_at", "-pk")
    )


@dataclass
class Called:
    person: Person
    present: bool
    method: str
    absence: str


def roll_call(meeting: PartyMeeting) -> tuple[list[Called], list[Person]]:
    """Who was called and whether they came (with the reason of an absence), and who came
    without being called (members away from their own branch, guests)."""
    from meihao.party.meetings import expected_people

    attended = {
        signup.person_id: signup
        for signup in SignUp.objects.filter(
            activity=meeting.activity, attendance__isnull=False
        ).select_related("person", "attendance")
    }
    reasons = dict(meeting.absences.values_list("person_id", "reason"))
    called = []
    expected = list(expected_people(meeting.org, meeting.meeting_type).order_by("real_name", "pk"))
    for person in expected:
        signup = attended.get(person.pk)
        called.append(
            Called(
                person=person,
                present=signup is not None,
                method=signup.attendance.get_check_in_method_display() if signup else "",
                absence=reasons.get(person.pk, ""),
            )
        )
    expected_ids = {p.pk for p in expected}
    guests = [s.person for pk, s in attended.items() if pk not in expected_ids]
    return called, guests


def meetings_attended(member: PartyMember, *, year: int):
    """The party meetings a member attended in `year`, at their own branch or any other (an
    away member's at the branch they take part with count for their home branch)."""
    return (
        PartyMeeting.objects.filter(
            held_on__year=year,
            activity__signups__person_id=member.person_id,
            activity__signups__attendance__isnull=False,
        )
        .select_related("org", "meeting_type")
        .order_by("-held_on")
    )
