"""Every write about the alliance's tiers and teams (党建益联盟): setting them up, members and
their duties, paired communities and member units.

Teams are `people.Team` and members `people.TeamMember`; the tiers are `volunteers.tiers`.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import OFFICIALS, SUPERVISORS, Role
from meihao.core.scoping import covers, sees_place
from meihao.people import services as people_services
from meihao.people.models import Organisation, Person, Team, TeamMember
from meihao.places.models import Level, Place
from meihao.volunteers.models import (
    AllianceUnit,
    RedArmbandDuty,
    TeamPairing,
    VolunteerProfile,
)
from meihao.volunteers.services import lock_own_person
from meihao.volunteers.tiers import ALLIANCE_KINDS, Tier, street_path_of, tier_of

DUTY_MAX = 32

# ---------------------------------------------------------------------------------------------
# The alliance's tiers and teams

# Who may set up each tier in the place it is based in.
TIER_CREATORS = {
    Tier.DISTRICT: frozenset({Role.DISTRICT_ADMIN}),
    Tier.STREET: SUPERVISORS,
    Tier.TEAM: OFFICIALS,
}


def _tier_for_new(*, kind: str, place: Place, parent: Team | None) -> str:
    """The tier a new team would take, or ValidationFailed when it fits none."""
    if kind not in ALLIANCE_KINDS:
        raise ValidationFailed(
            _("Choose a volunteer team, service squad or red-armband team."), field="kind"
        )
    if parent is None:
        if kind != Team.Kind.VOLUNTEER or place.level != Level.DISTRICT:
            raise ValidationFailed(
                _(
                    "Without a parent, only the district alliance itself can be set up: "
                    "a volunteer team based in the district."
                ),
                field="parent",
            )
        return Tier.DISTRICT
    parent_tier = tier_of(parent)
    if parent_tier == Tier.DISTRICT:
        if kind != Team.Kind.VOLUNTEER or place.level != Level.STREET:
            raise ValidationFailed(
                _(
                    "Under the district alliance come street alliances: "
                    "volunteer teams based in a street."
                ),
                field="parent",
            )
        tier = Tier.STREET
    elif parent_tier == Tier.STREET:
        if place.level not in (Level.STREET, Level.COMMUNITY):
            raise ValidationFailed(
                _("A team is based in its street or in one of the street's communities."),
                field="place",
            )
        tier = Tier.TEAM
    else:
        raise ValidationFailed(
            _("A team's parent must be a street alliance (whose parent is the district alliance)."),
            field="parent",
        )
    if not place.path.startswith(parent.place_path):
        raise ValidationFailed(
            _("A team's place must lie inside its parent team's place."), field="place"
        )
    return tier


@transaction.atomic
def alliance_team_create(
    *, actor, name: str, kind: str, place: Place, parent: Team | None = None
) -> Team:
    """Set up a tier of the alliance or a team in it (district → street → team)."""
    if parent is not None:
        parent = Team.objects.select_related("parent").get(pk=parent.pk)
    tier = _tier_for_new(kind=kind, place=place, parent=parent)
    if not sees_place(actor, place.path):
        raise NotFound()
    if not covers(actor, place.path, TIER_CREATORS[tier]):
        raise PermissionDenied(_("You may not set up this tier of the alliance here."))
    if (
        tier == Tier.DISTRICT
        and Team.objects.filter(kind=Team.Kind.VOLUNTEER, parent__isnull=True, place=place).exists()
    ):
        raise ValidationFailed(
            _("This district already has its alliance."), code="duplicate_alliance", field="place"
        )
    if (
        tier == Tier.STREET
        and Team.objects.filter(kind=Team.Kind.VOLUNTEER, parent=parent, place=place).exists()
    ):
        raise ValidationFailed(
            _("This street already has its alliance."), code="duplicate_alliance", field="place"
        )
    return people_services.team_create(
        actor=actor, name=name, kind=kind, place=place, parent=parent
    )


def clean_duty(team: Team, duty: str) -> str:
    """A red-armband member holds one of the four duties (1+4+X); other teams' duty is free text."""
    duty = (duty or "").strip()
    if team.kind == Team.Kind.RED_ARMBAND:
        if duty not in RedArmbandDuty.values:
            raise ValidationFailed(
                _("Choose a duty: security, mediation, inspection or publicity."), field="duty"
            )
        return duty
    if len(duty) > DUTY_MAX:
        raise ValidationFailed(
            _("A duty has at most %(max)d characters.") % {"max": DUTY_MAX}, field="duty"
        )
    return duty


def _require_joinable(team: Team) -> None:
    if team.kind not in ALLIANCE_KINDS:
        raise NotFound()
    if tier_of(team) != Tier.TEAM:
        raise ValidationFailed(
            _("Alliances are made of teams: join one of the teams under it."), code="not_a_team"
        )


def _active_profile(person: Person) -> VolunteerProfile:
    profile = VolunteerProfile.objects.filter(person=person).first()
    if profile is None:
        raise ValidationFailed(
            _("Only registered volunteers can join a team."), code="not_registered"
        )
    if not profile.is_active:
        raise ValidationFailed(
            _("This volunteer is suspended and cannot join a team."), code="suspended"
        )
    return profile


def _membership_audit(*, actor, action: str, membership: TeamMember, changes: dict) -> None:
    audit_change(
        actor=actor,
        action=action,
        target=membership.team,
        changes={"person": [None, str(membership.person_id)], **changes},
    )


def _add_member(*, actor, team: Team, person: Person, position: str, duty: str) -> TeamMember:
    if position not in TeamMember.Position.values:
        raise ValidationFailed(_("Unknown position."), field="position")
    duty = clean_duty(team, duty)
    _active_profile(person)
    return people_services.team_membership_write(
        actor=actor, team=team, person=person, position=position, duty=duty
    )


@transaction.atomic
def team_join(*, actor, team: Team, duty: str = "") -> TeamMember:
    """A registered volunteer joins a team; a red-armband volunteer chooses one of the duties."""
    person = lock_own_person(actor)
    team = Team.objects.select_related("parent").get(pk=team.pk)
    _require_joinable(team)
    return _add_member(
        actor=actor, team=team, person=person, position=TeamMember.Position.MEMBER, duty=duty
    )


@transaction.atomic
def team_leave(*, actor, team: Team) -> None:
    person = lock_own_person(actor)
    membership = TeamMember.objects.filter(team=team, person=person).first()
    if membership is None:
        raise ValidationFailed(_("You are not in this team."), code="not_a_member")
    _membership_audit(
        actor=actor,
        action="team_member_leave",
        membership=membership,
        changes={"position": [membership.position, None]},
    )
    membership.delete()


def _require_team_manager(actor, team: Team) -> Team:
    if team.kind not in ALLIANCE_KINDS:
        raise NotFound()
    if not covers(actor, team.place_path, OFFICIALS):
        raise PermissionDenied(_("You may not manage this team."))
    return Team.objects.select_related("parent", "parent__parent").get(pk=team.pk)


@transaction.atomic
def team_member_add(
    *,
    actor,
    team: Team,
    profile: VolunteerProfile,
    position: str = TeamMember.Position.MEMBER,
    duty: str = "",
) -> TeamMember:
    """Staff add a registered volunteer they manage to a team of theirs."""
    team = _require_team_manager(actor, team)
    _require_joinable(team)
    if not VolunteerProfile.objects.visible_to(actor).filter(pk=profile.pk).exists():
        raise NotFound()
    return _add_member(actor=actor, team=team, person=profile.person, position=position, duty=duty)


@transaction.atomic
def team_member_update(*, actor, membership: TeamMember, position: str, duty: str) -> TeamMember:
    """Change a member's position and duty (e.g. from 巡查员 to 调解员)."""
    team = _require_team_manager(actor, membership.team)
    membership = TeamMember.objects.select_for_update().get(pk=membership.pk)
    if position not in TeamMember.Position.values:
        raise ValidationFailed(_("Unknown position."), field="position")
    duty = clean_duty(team, duty)
    changes = {}
    if position != membership.position:
        changes["position"] = [membership.position, position]
    if duty != membership.duty:
        changes["duty"] = [membership.duty, duty]
    if changes:
        membership.position, membership.duty = position, duty
        membership.save(update_fields=["position", "duty"])
        _membership_audit(
            actor=actor, action="team_member_update", membership=membership, changes=changes
        )
    return membership


@transaction.atomic
def team_member_remove(*, actor, membership: TeamMember) -> None:
    _require_team_manager(actor, membership.team)
    _membership_audit(
        actor=actor,
        action="team_member_remove",
        membership=membership,
        changes={"position": [membership.position, None]},
    )
    membership.delete()


@transaction.atomic
def team_pairing_add(*, actor, team: Team, community: Place) -> TeamPairing:
    """Pair a team with a community it serves, in the street of its alliance (结对共建)."""
    team = _require_team_manager(actor, team)
    if tier_of(team) != Tier.TEAM:
        raise ValidationFailed(_("Only teams are paired with communities."), code="not_a_team")
    if community.level != Level.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), field="community")
    if not community.path.startswith(street_path_of(team)):
        raise ValidationFailed(
            _("A team is paired with communities of its own street."), field="community"
        )
    if TeamPairing.objects.filter(team=team, community=community).exists():
        raise ValidationFailed(
            _("The team is already paired with this community."),
            code="duplicate_pairing",
            field="community",
        )
    try:
        with transaction.atomic():
            pairing = TeamPairing.objects.create(
                team=team, community=community, community_path=community.path
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("The team is already paired with this community."),
            code="duplicate_pairing",
            field="community",
        ) from exc
    audit_change(
        actor=actor,
        action="team_pairing_add",
        target=team,
        changes={"community": [None, community.code]},
    )
    return pairing


@transaction.atomic
def team_pairing_remove(*, actor, pairing: TeamPairing) -> None:
    _require_team_manager(actor, pairing.team)
    audit_change(
        actor=actor,
        action="team_pairing_remove",
        target=pairing.team,
        changes={"community": [pairing.community.code, None]},
    )
    pairing.delete()


def unit_choices_q(team: Team) -> Q:
    """Units that may join a tier or team: based in its place's subtree or in an ancestor
    (a district unit may join a street alliance)."""

    ancestors = [code for code in team.place_path.split("/") if code]
    return Q(kind=Organisation.Kind.UNIT) & (
        Q(place_path__startswith=team.place_path) | Q(place__code__in=ancestors)
    )


@transaction.atomic
def alliance_unit_add(*, actor, team: Team, organisation: Organisation) -> AllianceUnit:
    """A unit joins an alliance tier or a team as a member unit (成员单位)."""
    team = _require_team_manager(actor, team)
    if organisation.kind != Organisation.Kind.UNIT:
        raise ValidationFailed(_("Only units can be member units."), field="organisation")
    if not Organisation.objects.filter(unit_choices_q(team), pk=organisation.pk).exists():
        raise ValidationFailed(
            _("The unit must be based in the team's place or above it."), field="organisation"
        )
    if AllianceUnit.objects.filter(team=team, organisation=organisation).exists():
        raise ValidationFailed(
            _("This unit is already a member."), code="duplicate_unit", field="organisation"
        )
    try:
        with transaction.atomic():
            member = AllianceUnit.objects.create(team=team, organisation=organisation)
    except IntegrityError as exc:
        raise ValidationFailed(
            _("This unit is already a member."), code="duplicate_unit", field="organisation"
        ) from exc
    audit_change(
        actor=actor,
        action="alliance_unit_add",
        target=team,
        changes={"organisation": [None, str(organisation.pk)]},
    )
    return member


@transaction.atomic
def alliance_unit_remove(*, actor, member: AllianceUnit) -> None:
    _require_team_manager(actor, member.team)
    audit_change(
        actor=actor,
        action="alliance_unit_remove",
        target=member.team,
        changes={"organisation": [str(member.organisation_id), None]},
    )
    member.delete()
