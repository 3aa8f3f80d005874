"""Reads of the community police, scoped to the asking user. A tip is read in full by its
reporter (in their words) and the officer it went to; the police of the area see tips on the
command view without the reporter, unless the reporter let their name be shown; nobody else
sees a tip at all."""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from meihao.activities.models import Activity
from meihao.cases.classes import active_minor_classes
from meihao.cases.models import Case, CaseCategory
from meihao.cases.selectors import audit_confidential_read
from meihao.cases.states import OPEN_STATES
from meihao.core.errors import NotFound
from meihao.core.roles import Role
from meihao.core.scoping import has_role, scope_q
from meihao.people.models import TeamMember
from meihao.people.selectors import own_person, own_person_id
from meihao.police.models import TIP_CODE, Block, PoliceGroup, Tip
from meihao.police.services import block_of_home

POLICE = frozenset({Role.POLICE_OFFICER})


def is_police(user) -> bool:
    return has_role(user, POLICE)


def tip_kinds() -> list[CaseCategory]:
    return active_minor_classes(TIP_CODE)


def my_block(user) -> Block | None:
    return block_of_home(own_person(user))


def _tips() -> QuerySet[Case]:
    return Case.objects.filter(case_type__code=TIP_CODE).select_related(
        "case_type", "category", "tip__block"
    )


def tip_get(user, number: str) -> Case:
    """A tip the user may read in full: its reporter or its officer (audited)."""
    case = (
        Case.objects.visible_to(user)
        .filter(case_type__code=TIP_CODE, number=str(number)[:32])
        .select_related("case_type", "category", "tip__block", "tip__group__team", "reporter")
        .first()
    )
    if case is None:
        raise NotFound()
    audit_confidential_read(case, user)
    return case


def my_tips(user) -> QuerySet[Case]:
    person_id = own_person_id(user)
    if person_id is None:
        return Case.objects.none()
    return _tips().filter(reporter_id=person_id).order_by("-created_at", "-pk")


def officer_tips(user) -> QuerySet[Case]:
    """The tips routed to the user, open ones first (oldest first), then the latest closed."""
    return (
        _tips()
        .filter(assigned_user=user)
        .order_by(F("closed_at").asc(nulls_first=True), "created_at", "pk")
    )


def area_tips(user) -> QuerySet[Tip]:
    """The tips of the places the user polices, for the command view: what, where, since when
    and in what state — the reporter only where they allowed it."""
    return (
        Tip.objects.filter(scope_q(user, path_field="place_path", roles=POLICE))
        .select_related(
            "case__category", "case__reporter", "case__assigned_user", "case__place", "block"
        )
        .order_by("-created_at", "-pk")
    )


def area_open_tips(user) -> QuerySet[Tip]:
    return area_tips(user).filter(case__status__in=OPEN_STATES)


def todays_patrols(user) -> QuerySet[Activity]:
    """Red-armband patrol shifts and joint police–resident patrols of the day in the user's
    area."""
    today = timezone.localdate()
    return (
        Activity.objects.filter(
            scope_q(user, path_field="place_path", roles=POLICE),
            kind__in=[Activity.Kind.PATROL_SHIFT, Activity.Kind.JOINT_PATROL],
            starts_at__date=today,
        )
        .exclude(status=Activity.Status.CANCELLED)
        .annotate(people=Count("signups", filter=Q(signups__status="confirmed")))
        .order_by("starts_at", "pk")
    )


def my_groups(user) -> QuerySet[PoliceGroup]:
    """The groups the user is a member of."""
    person_id = own_person_id(user)
    return (
        PoliceGroup.objects.filter(team__memberships__person_id=person_id)
        .select_related("team", "block", "officer")
        .order_by("team__name")
        if person_id
        else PoliceGroup.objects.none()
    )


def officer_groups(user) -> QuerySet[PoliceGroup]:
    return (
        PoliceGroup.objects.filter(officer=user)
        .select_related("team", "block")
        .annotate(members=Count("team__memberships"))
        .order_by("team__name")
    )


def group_get(user, pk) -> PoliceGroup:
    """A group the user is a member or the officer of, or polices the street of."""
    person_id = own_person_id(user)
    groups = PoliceGroup.objects.select_related("team", "block", "officer").filter(
        Q(officer=user)
        | Q(team__memberships__person_id=person_id or 0)
        | scope_q(user, path_field="team__place_path", roles=POLICE)
    )
    group = groups.filter(pk=pk if str(pk).isdigit() else None).distinct().first()
    if group is None:
        raise NotFound()
    return group


def group_by_invitation(token: str) -> PoliceGroup:
    group = (
        PoliceGroup.objects.select_related("team", "block", "officer")
        .filter(invite_token=str(token)[:32])
        .first()
    )
    if group is None:
        raise NotFound()
    return group


def group_members(group: PoliceGroup) -> QuerySet[TeamMember]:
    return group.team.memberships.select_related("person").order_by("-joined_on", "-pk")


def area_teams(user) -> QuerySet:
    """The police teams (四队) of the streets the user polices or lies in, with their members."""
    from meihao.core.scoping import scope_paths
    from meihao.people.models import Team
    from meihao.places.models import PATH_SEPARATOR

    streets = {
        PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:2]) + PATH_SEPARATOR
        for path in scope_paths(user, POLICE)
        if path.count(PATH_SEPARATOR) >= 2
    }
    return (
        Team.objects.filter(
            Q(place_path__in=streets) | scope_q(user, path_field="place_path", roles=POLICE),
            kind=Team.Kind.POLICE_TEAM,
        )
        .annotate(members=Count("memberships"))
        .order_by("place_path", "name")
    )
