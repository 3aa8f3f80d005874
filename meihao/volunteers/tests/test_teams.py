"""The alliance's tiers, team membership and red-armband duties, pairings and member units."""

import pytest

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.people.models import Organisation, Team, TeamMember
from meihao.volunteers import selectors, teams
from meihao.volunteers.models import AllianceUnit, RedArmbandDuty, TeamPairing
from meihao.volunteers.services import volunteer_suspend
from meihao.volunteers.tests.helpers import register
from meihao.volunteers.tiers import Tier, tier_of

pytestmark = pytest.mark.django_db


def create(actor, name, kind, place, parent=None):
    return teams.alliance_team_create(actor=actor, name=name, kind=kind, place=place, parent=parent)


def test_the_three_tiers(alliance):
    assert tier_of(alliance.district) == Tier.DISTRICT
    assert tier_of(alliance.street_a) == Tier.STREET
    for team in (alliance.team_a, alliance.red_armband_a, alliance.squad_a):
        assert tier_of(team) == Tier.TEAM
    tiers = {t.pk: t.tier for t in Team.objects.annotate(tier=selectors.TIER_EXPRESSION)}
    assert tiers[alliance.district.pk] == Tier.DISTRICT
    assert tiers[alliance.street_b.pk] == Tier.STREET
    assert tiers[alliance.squad_a.pk] == Tier.TEAM


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("team_under_district", "parent"),
        ("team_under_team", "parent"),
        ("street_alliance_in_a_community", "parent"),
        ("red_armband_without_parent", "parent"),
        ("district_alliance_in_a_street", "parent"),
        ("team_outside_its_street", "place"),
        ("team_in_a_grid", "place"),
        ("lecture_team", "kind"),
    ],
)
def test_tiers_are_validated_and_nothing_is_created(personas, alliance, case, field):
    tree, admin = personas.tree, personas.district_admin
    v, red = Team.Kind.VOLUNTEER, Team.Kind.RED_ARMBAND
    arguments = {
        "team_under_district": (v, tree.community_a, alliance.district),
        "team_under_team": (v, tree.community_a, alliance.team_a),
        "street_alliance_in_a_community": (v, tree.community_a, alliance.district),
        "red_armband_without_parent": (red, tree.community_a, None),
        "district_alliance_in_a_street": (v, tree.street_a, None),
        "team_outside_its_street": (v, tree.community_b, alliance.street_a),
        "team_in_a_grid": (v, tree.grid_a1, alliance.street_a),
        "lecture_team": (Team.Kind.LECTURE, tree.community_a, alliance.street_a),
    }[case]
    kind, place, parent = arguments
    before = Team.objects.count()
    with pytest.raises(ValidationFailed) as error:
        create(admin, "新队伍", kind, place, parent)
    assert error.value.field == field
    assert Team.objects.count() == before


def test_one_district_alliance_and_one_per_street(personas, alliance):
    admin, tree = personas.district_admin, personas.tree
    with pytest.raises(ValidationFailed) as error:
        create(admin, "第二个联盟", Team.Kind.VOLUNTEER, tree.district)
    assert error.value.code == "duplicate_alliance"
    with pytest.raises(ValidationFailed):
        create(admin, "又一个", Team.Kind.VOLUNTEER, tree.street_a, alliance.district)


@pytest.mark.parametrize(
    ("persona", "tier", "outcome"),  # True, or the refusal raised
    [
        ("district_admin", "street", True),
        ("street_chief_a", "street", True),
        ("community_staff_a", "street", PermissionDenied),
        ("community_staff_a", "team", True),
        ("street_chief_a", "team", True),
        ("grid_worker_a", "team", PermissionDenied),
        ("volunteer_a", "team", PermissionDenied),
        # Community A is out of their sight: it answers like a missing place.
        ("grid_worker_b", "team", NotFound),
        ("outsider", "team", NotFound),
    ],
)
def test_who_sets_up_which_tier(personas, persona, tier, outcome):
    admin, tree = personas.district_admin, personas.tree
    district = create(admin, "区联盟", Team.Kind.VOLUNTEER, tree.district)
    actor = getattr(personas, persona)
    if tier == "street":
        args = ("城东联盟", Team.Kind.VOLUNTEER, tree.street_a, district)
    else:
        street = create(admin, "城东联盟", Team.Kind.VOLUNTEER, tree.street_a, district)
        args = ("骑楼队", Team.Kind.SERVICE_SQUAD, tree.community_a, street)
    before = Team.objects.count()
    if outcome is True:
        team = create(actor, *args)
        assert tier_of(team) == tier
    else:
        with pytest.raises(outcome):
            create(actor, *args)
        assert Team.objects.count() == before


def test_volunteer_joins_and_leaves_a_team(personas, alliance):
    register(personas.volunteer_a)
    membership = teams.team_join(actor=personas.volunteer_a, team=alliance.team_a)
    assert membership.position == TeamMember.Position.MEMBER
    with pytest.raises(ValidationFailed) as error:
        teams.team_join(actor=personas.volunteer_a, team=alliance.team_a)
    assert error.value.code == "duplicate_member"
    teams.team_leave(actor=personas.volunteer_a, team=alliance.team_a)
    assert not TeamMember.objects.filter(team=alliance.team_a).exists()


def test_only_registered_active_volunteers_join(personas, alliance):
    with pytest.raises(ValidationFailed) as error:
        teams.team_join(actor=personas.resident_a, team=alliance.team_a)
    assert error.value.code == "not_registered"
    profile = register(personas.volunteer_a)
    volunteer_suspend(actor=personas.community_staff_a, profile=profile, reason="暂停")
    with pytest.raises(ValidationFailed) as error:
        teams.team_join(actor=personas.volunteer_a, team=alliance.team_a)
    assert error.value.code == "suspended"
    assert not TeamMember.objects.exists()


def test_alliances_are_not_joined_directly(personas, alliance):
    register(personas.volunteer_a)
    for node in (alliance.district, alliance.street_a):
        with pytest.raises(ValidationFailed) as error:
            teams.team_join(actor=personas.volunteer_a, team=node)
        assert error.value.code == "not_a_team"


@pytest.mark.parametrize("duty", [""] + ["治安员", "boss", "security "])
def test_red_armband_members_need_one_of_the_four_duties(personas, alliance, duty):
    register(personas.volunteer_a)
    if duty.strip() == "security":
        membership = teams.team_join(
            actor=personas.volunteer_a, team=alliance.red_armband_a, duty=duty
        )
        assert membership.duty == RedArmbandDuty.SECURITY
        return
    with pytest.raises(ValidationFailed) as error:
        teams.team_join(actor=personas.volunteer_a, team=alliance.red_armband_a, duty=duty)
    assert error.value.field == "duty"
    assert not TeamMember.objects.exists()


def test_the_four_duties(personas, alliance):
    assert set(RedArmbandDuty.values) == {"security", "mediation", "inspection", "publicity"}
    labels = {str(label) for label in RedArmbandDuty.labels}
    assert all(
        any(cn in label for label in labels) for cn in ("治安员", "调解员", "巡查员", "宣传员")
    )


def test_staff_add_members_and_change_their_duty(personas, alliance):
    profile = register(personas.volunteer_a)
    staff = personas.community_staff_a
    membership = teams.team_member_add(
        actor=staff,
        team=alliance.red_armband_a,
        profile=profile,
        position=TeamMember.Position.LEADER,
        duty=RedArmbandDuty.INSPECTION,
    )
    assert (membership.position, membership.duty) == ("leader", "inspection")
    teams.team_member_update(
        actor=staff, membership=membership, position="member", duty=RedArmbandDuty.MEDIATION
    )
    membership.refresh_from_db()
    assert (membership.position, membership.duty) == ("member", "mediation")
    with pytest.raises(ValidationFailed):
        teams.team_member_update(actor=staff, membership=membership, position="member", duty="x")
    membership.refresh_from_db()
    assert membership.duty == "mediation"
    teams.team_member_remove(actor=staff, membership=membership)
    assert not TeamMember.objects.exists()


def test_other_teams_take_a_free_text_duty(personas, alliance):
    register(personas.volunteer_a)
    membership = teams.team_join(actor=personas.volunteer_a, team=alliance.squad_a, duty="")
    teams.team_member_update(
        actor=personas.community_staff_a, membership=membership, position="deputy", duty="测血压"
    )
    membership.refresh_from_db()
    assert membership.duty == "测血压"
    with pytest.raises(ValidationFailed):
        teams.team_member_update(
            actor=personas.community_staff_a, membership=membership, position="x", duty=""
        )


@pytest.mark.parametrize(
    ("persona", "outcome"),
    [
        ("community_staff_a", None),
        ("street_chief_a", None),
        ("district_admin", None),
        ("grid_worker_a", PermissionDenied),
        ("grid_worker_b", PermissionDenied),
        ("resident_a", PermissionDenied),
        ("volunteer_a", PermissionDenied),
        ("outsider", PermissionDenied),
    ],
)
def test_who_manages_a_team_of_community_a(personas, alliance, persona, outcome):
    profile = register(personas.volunteer_a)
    actor = getattr(personas, persona)
    before = AuditEvent.objects.count()
    if outcome is None:
        teams.team_member_add(actor=actor, team=alliance.team_a, profile=profile)
        teams.team_pairing_add(
            actor=actor, team=alliance.team_a, community=personas.tree.community_a
        )
        return
    with pytest.raises(outcome):
        teams.team_member_add(actor=actor, team=alliance.team_a, profile=profile)
    with pytest.raises(outcome):
        teams.team_pairing_add(
            actor=actor, team=alliance.team_a, community=personas.tree.community_a
        )
    assert AuditEvent.objects.count() == before
    assert not TeamMember.objects.exists() and not TeamPairing.objects.exists()


def test_staff_add_only_volunteers_they_manage(personas, alliance):
    profile = register(personas.resident_b)  # a volunteer of community B
    with pytest.raises(NotFound):
        teams.team_member_add(
            actor=personas.community_staff_a, team=alliance.team_a, profile=profile
        )


def test_pairing_is_unique_and_within_the_street(personas, alliance):
    staff, tree = personas.street_chief_a, personas.tree
    teams.team_pairing_add(actor=staff, team=alliance.team_a, community=tree.community_a)
    with pytest.raises(ValidationFailed) as error:
        teams.team_pairing_add(actor=staff, team=alliance.team_a, community=tree.community_a)
    assert error.value.code == "duplicate_pairing"
    with pytest.raises(ValidationFailed) as error:
        teams.team_pairing_add(
            actor=personas.district_admin, team=alliance.team_a, community=tree.community_b
        )
    assert error.value.field == "community"
    with pytest.raises(ValidationFailed):
        teams.team_pairing_add(actor=staff, team=alliance.team_a, community=tree.grid_a1)
    with pytest.raises(ValidationFailed) as error:
        teams.team_pairing_add(actor=staff, team=alliance.street_a, community=tree.community_a)
    assert error.value.code == "not_a_team"
    assert TeamPairing.objects.count() == 1
    pairing = TeamPairing.objects.get()
    teams.team_pairing_remove(actor=staff, pairing=pairing)
    assert not TeamPairing.objects.exists()


def test_units_join_alliances_and_teams(personas, alliance):
    tree, admin = personas.tree, personas.district_admin
    district_unit = Organisation.objects.create(
        name="万秀区供电局", kind="unit", place=tree.district, place_path=tree.district.path
    )
    street_b_unit = Organisation.objects.create(
        name="城南中学", kind="unit", place=tree.street_b, place_path=tree.street_b.path
    )
    member = teams.alliance_unit_add(
        actor=personas.street_chief_a, team=alliance.street_a, organisation=district_unit
    )
    assert member.team == alliance.street_a
    with pytest.raises(ValidationFailed) as error:
        teams.alliance_unit_add(actor=admin, team=alliance.street_a, organisation=district_unit)
    assert error.value.code == "duplicate_unit"
    with pytest.raises(ValidationFailed):
        teams.alliance_unit_add(actor=admin, team=alliance.street_a, organisation=street_b_unit)
    with pytest.raises(ValidationFailed):
        teams.alliance_unit_add(actor=admin, team=alliance.team_a, organisation=personas.merchant)
    with pytest.raises(PermissionDenied):
        teams.alliance_unit_add(
            actor=personas.community_staff_a, team=alliance.district, organisation=district_unit
        )
    assert AllianceUnit.objects.count() == 1
    teams.alliance_unit_remove(actor=admin, member=member)
    assert not AllianceUnit.objects.exists()


def test_directory_filters(personas, alliance):
    tree, user = personas.tree, personas.resident_a
    teams.team_pairing_add(
        actor=personas.district_admin, team=alliance.team_b, community=tree.community_b
    )

    def names(**filters):
        return {t.name for t in selectors.team_directory(user, **filters)}

    assert names(tier="district") == {"万秀区党建益联盟"}
    assert names(tier="street") == {"城东街道联盟", "城南街道联盟"}
    assert names(kind="red_armband") == {"骑楼红袖章"}
    assert names(community=tree.community_a) == {"骑楼志愿服务队", "骑楼红袖章", "爱心义诊队"}
    assert names(community=tree.community_b) == {"河东志愿服务队"}
    assert len(names()) == 7
    assert not selectors.team_directory(type("Anon", (), {"is_authenticated": False})()).exists()


def test_team_page_masks_member_names_for_everyone_but_managers(personas, alliance):
    register(personas.volunteer_a)
    teams.team_join(actor=personas.volunteer_a, team=alliance.team_a)
    team = selectors.team_get(personas.resident_b, alliance.team_a.pk)
    shown = selectors.team_page(personas.resident_b, team).members[0].shown_name
    assert shown == "志**甲"
    staff_page = selectors.team_page(personas.community_staff_a, team)
    assert staff_page.members[0].shown_name == "志愿者甲"
    own_page = selectors.team_page(personas.volunteer_a, team)
    assert own_page.members[0].shown_name == "志愿者甲"
    assert own_page.abilities["leave"] and not own_page.abilities["join"]
