"""Reads about volunteers, teams and certificates, scoped to the asking user.

Dual registration's reads are in `dual.selectors`.
"""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from meihao.activities.models import ServiceRecord
from meihao.activities.selectors import service_minutes
from meihao.core.errors import NotFound
from meihao.core.pii import mask_name_to_greet as mask_name
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers, has_role, scope_paths, scope_q
from meihao.dual.selectors import may_claim_posts
from meihao.people.models import Organisation, Person, Team, TeamMember
from meihao.people.selectors import own_person
from meihao.places.models import Level, Place
from meihao.volunteers import stars
from meihao.volunteers.models import (
    AllianceUnit,
    Certificate,
    RedArmbandDuty,
    TeamPairing,
    VolunteerProfile,
)
from meihao.volunteers.teams import unit_choices_q
from meihao.volunteers.tiers import (
    ALLIANCE_KIND_Q,
    ALLIANCE_KINDS,
    DISTRICT_Q,
    STREET_Q,
    TIER_EXPRESSION,
    Tier,
    street_path_of,
    tier_of,
)


def is_manager(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, OFFICIALS)


def volunteer_abilities(user) -> dict[str, bool]:
    """What the user may do in this app as a whole (menus, buttons, pages)."""
    authenticated = getattr(user, "is_authenticated", False)
    manager = authenticated and is_manager(user)
    return {
        "volunteer": authenticated,
        "manage": manager,
        # The volunteer's home links to the dual-registration posts a party member may claim.
        "posts": may_claim_posts(user),
    }


# ---------------------------------------------------------------------------------------------
# Volunteers


@dataclass(frozen=True)
class Standing:
    """A volunteer's credited hours and star level."""

    minutes: int
    star: int
    next_star_minutes: int | None

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def next_star_hours(self) -> float | None:
        return None if self.next_star_minutes is None else self.next_star_minutes / 60

    @property
    def marks(self) -> list[bool]:
        """One entry per star level, True where earned: for drawing ★★★☆☆."""
        return [level < self.star for level in range(len(stars.star_hours()))]


def standing_for_minutes(minutes: int) -> Standing:
    return Standing(
        minutes=minutes,
        star=stars.star_level(minutes),
        next_star_minutes=stars.next_star_minutes(minutes),
    )


def standing_of(person: Person) -> Standing:
    return standing_for_minutes(service_minutes(person))


def own_profile(user) -> VolunteerProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        VolunteerProfile.objects.filter(person__user=user)
        .select_related("person", "community")
        .first()
    )


def registration_communities(person: Person | None) -> QuerySet[Place]:
    """Communities one may register with: those of one's home street, or all when unknown."""
    communities = Place.objects.filter(level=Level.COMMUNITY)
    codes = [code for code in (person.home_place_path if person else "").split("/") if code]
    if len(codes) >= 2:  # district/street/…: the home street's communities
        communities = communities.filter(path__startswith=f"{codes[0]}/{codes[1]}/")
    return communities.only("id", "code", "name", "path")


def default_community(person: Person | None) -> Place | None:
    if person is None or person.home_place is None:
        return None
    place = person.home_place
    if place.level == Level.COMMUNITY:
        return place
    if place.level == Level.GRID:
        return Place.objects.filter(pk=place.parent_id).first()
    return None


def my_memberships(person: Person) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(person=person)
        .filter(team__kind__in=ALLIANCE_KINDS)
        .select_related("team", "team__place")
        .order_by("team__name")
    )


def my_certificates(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(person__user=user).order_by("-issued_at", "-id")


def _minutes_subquery():
    """A person's credited service minutes, as a subquery (no query per row in lists)."""
    totals = (
        ServiceRecord.objects.filter(person=OuterRef("person"))
        .order_by()
        .values("person")
        .annotate(total=Sum("minutes"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


def roster(user, *, q: str = "", status: str = "", community: str = "") -> QuerySet:
    """The volunteers registered in the manager's subtrees, with their credited minutes."""
    profiles = (
        VolunteerProfile.objects.filter(scope_q(user, path_field="community_path", roles=OFFICIALS))
        .select_related("person", "community")
        .annotate(minutes=_minutes_subquery())
        .order_by("community_path", "person__real_name", "id")
    )
    if status in VolunteerProfile.Status.values:
        profiles = profiles.filter(status=status)
    if community:
        profiles = profiles.filter(community__code=community)
    q = (q or "").strip()
    if q.isdigit() and len(q) == 11:
        profiles = profiles.filter(person__phone=q)
    elif q:
        profiles = profiles.filter(person__real_name__icontains=q)
    return profiles


def roster_communities(user) -> QuerySet[Place]:
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS), level=Level.COMMUNITY
    ).only("id", "code", "name")


def profile_get(user, pk) -> VolunteerProfile:
    """A volunteer the manager may see (404 otherwise), with their credited minutes."""
    try:
        return (
            VolunteerProfile.objects.filter(
                scope_q(user, path_field="community_path", roles=OFFICIALS)
            )
            .select_related("person", "community")
            .annotate(minutes=_minutes_subquery())
            .get(pk=pk)
        )
    except (VolunteerProfile.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# ---------------------------------------------------------------------------------------------
# Teams


def team_directory(user, *, tier: str = "", kind: str = "", community: Place | None = None):
    """The alliance's tiers and teams, for anyone logged in: a directory to find a team in."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    teams = (
        Team.objects.filter(ALLIANCE_KIND_Q)
        .select_related("place", "parent")
        .annotate(tier=TIER_EXPRESSION, member_count=Count("memberships", distinct=True))
        .order_by("place_path", "name", "id")
    )
    if tier in Tier.values:
        teams = teams.filter(tier=tier)
    if kind in ALLIANCE_KINDS:
        teams = teams.filter(kind=kind)
    if community is not None:
        paired = TeamPairing.objects.filter(team=OuterRef("pk"), community=community)
        teams = teams.filter(Q(place_path__startswith=community.path) | Exists(paired))
    return teams


def team_get(user, pk) -> Team:
    """One team of the alliance (any logged-in user may look), with its tier; else NotFound."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    try:
        return (
            Team.objects.filter(ALLIANCE_KIND_Q)
            .select_related("place", "parent", "parent__parent", "parent__place")
            .annotate(tier=TIER_EXPRESSION)
            .get(pk=pk)
        )
    except (Team.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def may_manage_team(user, team: Team) -> bool:
    return covers(user, team.place_path, OFFICIALS)


def team_abilities(user, team: Team, *, membership: TeamMember | None, profile) -> dict:
    manage = may_manage_team(user, team)
    is_team = tier_of(team) == Tier.TEAM
    return {
        "manage": manage,
        "join": is_team and membership is None and profile is not None and profile.is_active,
        "leave": membership is not None,
        "see_names": manage,
    }


@dataclass
class TeamPage:
    team: Team
    members: list
    pairings: list
    units: list
    children: list
    membership: TeamMember | None
    abilities: dict


def team_page(user, team: Team) -> TeamPage:
    """What the team page shows: members with duties, paired communities, units, sub-teams."""
    person = own_person(user)
    members = list(
        TeamMember.objects.filter(team=team)
        .select_related("person")
        .order_by("position", "joined_on", "id")
    )
    membership = next((m for m in members if person and m.person_id == person.pk), None)
    profile = own_profile(user) if membership is None else None
    abilities = team_abilities(user, team, membership=membership, profile=profile)
    duty_labels = dict(RedArmbandDuty.choices)
    for member in members:
        visible = abilities["see_names"] or member is membership
        member.shown_name = (
            member.person.real_name if visible else mask_name(member.person.real_name)
        )
        member.duty_label = duty_labels.get(member.duty, member.duty)
    children = list(
        Team.objects.filter(parent=team, kind__in=ALLIANCE_KINDS)
        .select_related("place")
        .order_by("place_path", "name")
    )
    return TeamPage(
        team=team,
        members=members,
        pairings=list(team.pairings.select_related("community").order_by("community_path")),
        units=list(
            AllianceUnit.objects.filter(team=team)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        children=children,
        membership=membership,
        abilities=abilities,
    )


def membership_get(team: Team, pk) -> TeamMember:
    try:
        return TeamMember.objects.select_related("team", "person").get(team=team, pk=pk)
    except (TeamMember.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def pairing_get(team: Team, pk) -> TeamPairing:
    try:
        return TeamPairing.objects.select_related("team", "community").get(team=team, pk=pk)
    except (TeamPairing.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def alliance_unit_get(team: Team, pk) -> AllianceUnit:
    try:
        return AllianceUnit.objects.select_related("team", "organisation").get(team=team, pk=pk)
    except (AllianceUnit.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def managed_volunteers(user, team: Team) -> QuerySet[VolunteerProfile]:
    """Active volunteers the manager may add to the team: registered in their subtrees."""
    return (
        VolunteerProfile.objects.filter(
            scope_q(user, path_field="community_path", roles=OFFICIALS),
            status=VolunteerProfile.Status.ACTIVE,
        )
        .exclude(person__team_memberships__team=team)
        .select_related("person")
        .order_by("person__real_name")
    )


def pairing_communities(team: Team) -> QuerySet[Place]:
    return (
        Place.objects.filter(level=Level.COMMUNITY, path__startswith=street_path_of(team))
        .exclude(team_pairings__team=team)
        .only("id", "code", "name")
    )


def unit_choices(team: Team) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(unit_choices_q(team))
        .exclude(alliance_memberships__team=team)
        .only("id", "name")
        .order_by("name")
    )


def alliance_parents(user) -> QuerySet[Team]:
    """District and street alliances under which the manager may set up something: those in
    their subtrees and above them (a community's staff set up teams under their street's)."""
    alliances = Team.objects.filter(DISTRICT_Q | STREET_Q)
    if not getattr(user, "is_superuser", False):
        paths = scope_paths(user, OFFICIALS)
        above = {code for path in paths for code in path.split("/") if code}
        alliances = alliances.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS) | Q(place__code__in=above)
        )
    return alliances.select_related("place").annotate(tier=TIER_EXPRESSION).order_by("place_path")


def team_places(user) -> QuerySet[Place]:
    """Districts, streets and communities the manager covers: where a new tier or team sits."""
    return (
        Place.objects.filter(scope_q(user, path_field="path", roles=OFFICIALS))
        .exclude(level=Level.GRID)
        .only("id", "code", "name", "level", "path")
        .order_by("path")
    )


# ---------------------------------------------------------------------------------------------
# Certificates


def certificate_list(user) -> QuerySet[Certificate]:
    """Certificates issued in the manager's subtrees, newest first."""
    return (
        Certificate.objects.filter(scope_q(user, path_field="community_path", roles=OFFICIALS))
        .select_related("person")
        .order_by("-issued_at", "-id")
    )


def certificate_get(user, pk) -> Certificate:
    """A certificate the user may download: their own, or one their subtree issued."""
    try:
        return Certificate.objects.visible_to(user).select_related("person").get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass(frozen=True)
class PublicCertificate:
    """Exactly what the public verification page may show: nothing personal but a masked name."""

    valid: bool
    number: str
    masked_name: str
    hours: float
    issuer_name: str
    issued_on: object
    revoked_on: object


def certificate_verify(token: str) -> PublicCertificate:
    """Anyone holding the QR code may check the certificate; a wrong token is NotFound."""
    if not token or len(token) > Certificate._meta.get_field("token").max_length:
        raise NotFound()
    row = (
        Certificate.objects.filter(token=token)
        .values("number", "person__real_name", "minutes", "issuer_name", "issued_at", "revoked_at")
        .first()
    )
    if row is None:
        raise NotFound()
    return PublicCertificate(
        valid=row["revoked_at"] is None,
        number=row["number"],
        masked_name=mask_name(row["person__real_name"]),
        hours=row["minutes"] / 60,
        issuer_name=row["issuer_name"],
        issued_on=timezone.localtime(row["issued_at"]).date(),
        revoked_on=timezone.localtime(row["revoked_at"]).date() if row["revoked_at"] else None,
    )
