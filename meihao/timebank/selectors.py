"""Reads of the time bank, scoped to the asking user.

Help requests are cases: every list starts from `Case.objects.visible_to(user)` (which lets a
member see the open requests of their community, cases.extensions) narrowed to the TIMEBANK
type, so the time bank never decides visibility by hand.
"""

import math
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from meihao.cases.models import Case, CaseCategory, CaseEvent
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_paths, scope_q
from meihao.ledger.models import Account, Unit
from meihao.places.geo import haversine_m
from meihao.places.models import Level, Place
from meihao.places.nearby import METRES_PER_DEGREE
from meihao.timebank.models import TIMEBANK_CODE, TimeBankMember
from meihao.timebank.nearby import circle_metres

POOL_STATES = ("submitted", "accepted")
REQUEST_RELATED = ("case_type", "category", "place", "reporter", "assigned_user", "help_request")


def help_categories():
    """The kinds of help (minor classes of the TIMEBANK type), in code order."""
    return list(
        CaseCategory.objects.filter(
            case_type__code=TIMEBANK_CODE, parent__isnull=False, is_active=True
        ).order_by("code")
    )


def own_member(user) -> TimeBankMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        TimeBankMember.objects.filter(person__user=user)
        .select_related("person", "community")
        .prefetch_related("skills", "family_links__relative")
        .first()
    )


def minutes_balance(user) -> int:
    """The user's time-bank minutes (0 before their first)."""
    balance = (
        Account.objects.filter(person__user=user, unit=Unit.MINUTES)
        .values_list("balance", flat=True)
        .first()
    )
    return balance or 0


def may_manage(user) -> bool:
    """Whether the user looks after some community's time bank (members, pool)."""
    return bool(getattr(user, "is_superuser", False)) or bool(scope_paths(user, OFFICIALS))


def requests_visible_to(user):
    return (
        Case.objects.visible_to(user)
        .filter(case_type__code=TIMEBANK_CODE)
        .select_related(*REQUEST_RELATED)
    )


@dataclass
class NearbyRequest:
    case: Case
    distance_m: float


def requests_nearby(member: TimeBankMember, user, *, everywhere: bool = False) -> list:
    """Open requests of the member's community a member may take on, nearest first; within
    the service circle unless `everywhere` (the whole community)."""
    cases = requests_visible_to(user).filter(
        status__in=POOL_STATES, place_path__startswith=member.community_path
    )
    radius = circle_metres()
    if not everywhere:
        dlat = radius / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(member.lat)), 0.01)
        cases = cases.filter(
            lat__range=(member.lat - dlat, member.lat + dlat),
            lon__range=(member.lon - dlon, member.lon + dlon),
        )
    found = []
    for case in cases.exclude(submitted_by=user)[:500]:
        if case.lat is None:
            continue
        distance = haversine_m(member.lat, member.lon, case.lat, case.lon)
        if everywhere or distance <= radius:
            found.append(NearbyRequest(case, distance))
    found.sort(key=lambda r: (r.distance_m, r.case.pk))
    return found


def request_get(user, number: str) -> Case:
    """One help request the user may see, with its timeline, or NotFound."""
    case = (
        requests_visible_to(user)
        .select_related(
            "help_request__requester",
            "help_request__withdrawing_member__person",
            "help_request__payment",
        )
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No such help request."))
    return case


def help_given(user):
    """Requests the user took on as helper, newest first."""
    return requests_visible_to(user).filter(assigned_user=user)


def help_received(user):
    """Requests the user asked for, or that were asked for them, newest first."""
    return requests_visible_to(user).filter(
        Q(submitted_by=user) | Q(reporter__user=user) | Q(help_request__requester__user=user)
    )


def members_in_scope(user, q: str = ""):
    """The members of the communities the user manages, with their minutes balances."""
    balance = Account.objects.filter(person=OuterRef("person"), unit=Unit.MINUTES).values(
        "balance"
    )[:1]
    members = (
        TimeBankMember.objects.filter(scope_q(user, path_field="community_path", roles=OFFICIALS))
        .select_related("person", "community")
        .prefetch_related("skills")
        .annotate(minutes=Subquery(balance))
        .order_by("community_path", "person__real_name", "id")
    )
    q = (q or "").strip()
    if q:
        members = members.filter(Q(person__real_name__contains=q) | Q(person__phone__endswith=q))
    return members


def managed_communities(user):
    """Communities whose time bank the user looks after, with their pool balances."""
    balance = Account.objects.filter(
        kind=Account.Kind.POOL, place=OuterRef("pk"), unit=Unit.MINUTES
    ).values("balance")[:1]
    return (
        Place.objects.filter(level=Level.COMMUNITY)
        .filter(scope_q(user, path_field="path", roles=OFFICIALS))
        .annotate(pool_minutes=Subquery(balance))
        .order_by("path")
    )


def requester_for(user, phone: str):
    """The resident with this mobile number whom the user may ask for (staff on behalf)."""
    from meihao.people.models import Person

    phone = (phone or "").strip()
    if not phone:
        return None
    return (
        Person.objects.filter(phone=phone)
        .filter(scope_q(user, path_field="home_place_path", roles=OFFICIALS))
        .select_related("home_place", "building")
        .first()
    )
