"""Reads about people, always through `Person.objects.visible_to(user)`."""

import datetime
import re

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Right

from meihao.core import idcard, pii
from meihao.core.errors import NotFound
from meihao.core.roles import OFFICIALS, PLACE_WORKERS, Role
from meihao.core.scoping import ancestor_paths, has_role, scope_q
from meihao.people.models import ApiToken, Person, RoleAssignment, Team, TeamMember, born_by
from meihao.places.models import Place

_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
_MOBILE = re.compile(r"^1\d{10}$")
_PHONE_TAIL = re.compile(r"^\d{4}$")


def people_abilities(user) -> dict[str, bool]:
    """What the user may do with the resident list as a whole (menu, buttons, pages)."""
    superuser = getattr(user, "is_superuser", False)
    viewer = superuser or has_role(user, PLACE_WORKERS)
    return {
        "list": viewer,
        "export": viewer,
        "import": superuser or has_role(user, OFFICIALS),
    }


def person_list(user, q: str = "", *, awaiting: bool = False) -> QuerySet[Person]:
    """The people the user may see, optionally searched, or only those whose home community
    waits for the staff's confirmation (`awaiting`: they entered their own details).

    `q` is an ID-card number (exact, through the keyed hash), a mobile number (exact) or its
    last four digits (尾号), or else part of a name.
    """
    people = Person.objects.visible_to(user).select_related("home_place").prefetch_related("tags")
    if awaiting:
        people = people.filter(home_confirmed=False)
    q = (q or "").strip()
    if not q:
        return people
    if _ID_NUMBER.match(q):
        return people.filter(id_number_hash=pii.search_hash(idcard.normalise(q)))
    if _MOBILE.match(q):
        return people.filter(phone=q)
    if _PHONE_TAIL.match(q):
        # Same expression as the functional index person_phone_tail_idx.
        return people.alias(phone_tail=Right("phone", 4)).filter(phone_tail=q)
    return people.filter(real_name__icontains=q)


def people_counts(user) -> dict[str, int]:
    """What waits for the staff on the resident list: residents who entered their own details
    and whom only the staff of their community can confirm."""
    if not (getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)):
        return {}
    # Those the user may confirm (Person.abilities' `confirm_home`), counted by the database.
    editable = scope_q(user, path_field="home_place_path", roles=OFFICIALS)
    awaiting = Person.objects.filter(editable, home_confirmed=False).exclude(home_place_path="")
    return {"residents_to_confirm": awaiting.count()}


def person_get(user, pk) -> Person:
    """One person the user may see, with what the detail page shows; otherwise NotFound."""
    try:
        return (
            Person.objects.visible_to(user)
            .select_related("home_place", "building", "user")
            .prefetch_related(
                "tags",
                Prefetch(
                    "team_memberships",
                    queryset=TeamMember.objects.select_related("team", "team__place"),
                ),
                Prefetch(
                    "user__role_assignments",
                    queryset=RoleAssignment.objects.select_related("place", "organisation"),
                ),
            )
            .get(pk=pk)
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def own_person(user) -> Person | None:
    """The user's own person record (with home place and building), if any: the one way every
    app finds the resident behind a log-in."""
    if not getattr(user, "is_authenticated", False):
        return None
    # One person per log-in: no order to ask for, as `first()` would.
    found = list(Person.objects.filter(user=user).select_related("home_place", "building")[:1])
    person = found[0] if found else None
    if person is not None:
        person.user = user  # what `person.user` would load again
    return person


def home_point(person: Person | None) -> tuple[float, float] | None:
    """Where the person lives as (lat, lon): their building's position, else the centroid of
    their home place or of its nearest ancestor that has one; None without a home place."""
    if person is None:
        return None
    building = person.building if person.building_id else None
    lat, lon = (building.lat, building.lon) if building is not None else (None, None)
    if lat is not None and lon is not None:
        return lat, lon
    if not person.home_place_path:
        return None
    centroids = {
        path: (lat, lon)
        for path, lat, lon in Place.objects.filter(
            path__in=ancestor_paths(person.home_place_path)
        ).values_list("path", "centroid_lat", "centroid_lon")
        if lat is not None and lon is not None
    }
    for path in reversed(ancestor_paths(person.home_place_path)):
        if path in centroids:
            return centroids[path]
    return None


def own_person_id(user) -> int | None:
    """The id of the user's own person record, or None; kept on the user object for the request,
    so that "is this the person a case was filed for" costs no query per case."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_meihao_person_id", False)
    if cached is False:
        cached = Person.objects.filter(user=user).values_list("pk", flat=True).first()
        user._meihao_person_id = cached
    return cached


def role_assignments_of(user) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("place", "organisation", "organisation__place")


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


# Who is offered 长辈模式 (large-text mode) on first log-in: the national definition of an elder.
ELDER_AGE = 60


def large_text_offer_due(user, today: datetime.date) -> bool:
    """An elder who has not yet chosen between large and normal text: offer the switch once."""
    if user.large_text is not None:
        return False
    return Person.objects.filter(user=user, birth_date__lte=born_by(today, ELDER_AGE)).exists()


def department_staff(organisation_id) -> QuerySet:
    """The active users who are the department's staff, each once."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.DEPARTMENT_STAFF,
            role_assignments__organisation=organisation_id,
        )
        .distinct()
    )


def teams_standing(kind: str, place_path: str, before: datetime.datetime) -> QuerySet:
    """The teams of a kind based in a place subtree and created before a moment (a standing
    count's records: the teams' indicators, `people.indicators.standing_teams`)."""
    return (
        Team.objects.filter(kind=kind, place_path__startswith=place_path, created_at__lt=before)
        .select_related("place")
        .order_by("place_path", "name", "pk")
    )


def team_and_below(team_pk: int) -> QuerySet:
    """The ids of a team and the teams under it (an alliance's three tiers deep: district →
    street → team), as a subquery: what a team leader's figures count."""
    return Team.objects.filter(
        Q(pk=team_pk) | Q(parent_id=team_pk) | Q(parent__parent_id=team_pk)
    ).values("pk")


def leads_team(user, team: Team) -> bool:
    """Whether the user leads the team (leader or deputy) or a team above it."""
    if not getattr(user, "is_authenticated", False):
        return False
    above = Team.objects.filter(
        Q(pk=team.pk) | Q(children=team.pk) | Q(children__children=team.pk)
    ).values("pk")
    return TeamMember.objects.filter(
        person__user=user,
        position__in=(TeamMember.Position.LEADER, TeamMember.Position.DEPUTY),
        team__in=above,
    ).exists()
