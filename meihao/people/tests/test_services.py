"""People services: validation, scope checks, audit, duplicates."""

import datetime

import pytest

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.scoping import covers
from meihao.people import services
from meihao.people.models import ApiToken, Organisation, Person, RoleAssignment, Team
from meihao.people.tests.factories import make_id_number


def create(personas, **overrides):
    fields = {
        "actor": personas.community_staff_a,
        "real_name": "张三",
        "home_place": personas.tree.grid_a1,
        "id_number": make_id_number(born=datetime.date(1980, 5, 17), serial=3),
        "phone": "139 1234 5678",
        "tags": ["elder", "veteran", "elder"],
    }
    fields.update(overrides)
    return services.person_create(**fields)


def test_create_derives_birth_date_and_gender_and_stores_the_number_encrypted(personas):
    person = create(personas)
    person.refresh_from_db()
    number = make_id_number(born=datetime.date(1980, 5, 17), serial=3)
    assert person.birth_date == datetime.date(1980, 5, 17)
    assert person.gender == "male"
    assert person.phone == "13912345678"
    assert person.home_place_path == personas.tree.grid_a1.path
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    assert number not in person.id_number_encrypted
    assert person.id_number_plain() == number
    assert sorted(person.tags.values_list("tag", flat=True)) == ["elder", "veteran"]


def test_create_is_audited_without_the_plain_number(personas):
    person = create(personas)
    event = AuditEvent.objects.get(target_id=str(person.pk), action="person_create")
    assert event.actor == personas.community_staff_a
    assert event.kind == AuditEvent.Kind.CHANGE
    assert make_id_number(serial=3) not in str(event.changes)
    assert event.changes["id_number"][1] == person.id_number_masked


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"real_name": "  "}, "real_name"),
        ({"id_number": make_id_number(serial=3)[:17] + "0"}, "id_number"),
        ({"id_number": "45040319800230003X"}, "id_number"),
        ({"birth_date": datetime.date(1980, 5, 18)}, "id_number"),
        ({"gender": "female"}, "gender"),
        ({"phone": "12345678901"}, "phone"),
        ({"phone": "1391234567"}, "phone"),
        ({"tags": ["elder", "astronaut"]}, "tags"),
    ],
)
def test_create_rejects_bad_data_and_changes_nothing(personas, overrides, field):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        create(personas, **overrides)
    assert exc.value.field == field
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_home_place_must_be_a_community_or_grid(personas):
    with pytest.raises(ValidationFailed) as exc:
        create(personas, actor=personas.street_chief_a, home_place=personas.tree.street_a)
    assert exc.value.field == "home_place"
    assert create(personas, home_place=personas.tree.community_a).home_place_path == (
        personas.tree.community_a.path
    )


def test_duplicate_id_number_is_a_clear_error(personas):
    create(personas)
    with pytest.raises(ValidationFailed) as exc:
        create(personas, real_name="李四", id_number=make_id_number(serial=3).lower())
    assert exc.value.code == "duplicate_id_number"
    assert exc.value.field == "id_number"
    assert Person.objects.filter(real_name="李四").count() == 0


def test_duplicate_id_number_racing_past_the_check_is_refused_by_the_database(
    personas, monkeypatch
):
    create(personas)
    # Two registrations of one number at the same moment: both pass the lookup.
    monkeypatch.setattr(services, "_id_number_taken", lambda *a, **k: False)
    with pytest.raises(ValidationFailed) as exc:
        create(personas, real_name="李四")
    assert exc.value.code == "duplicate_id_number"
    assert not Person.objects.filter(real_name="李四").exists()


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        # Grid A1 is theirs to see (a resident's role covers their home): seen, refused.
        ("grid_worker_a", PermissionDenied),
        ("resident_a", PermissionDenied),
        ("department_staff", PermissionDenied),  # the department serves the whole district
        # A place the actor cannot see answers like a missing one.
        ("outsider", NotFound),
        ("grid_worker_b", NotFound),
    ],
)
def test_people_outside_the_editors_may_not_register(personas, actor, error):
    with pytest.raises(error):
        create(personas, actor=getattr(personas, actor))
    assert not Person.objects.filter(real_name="张三").exists()


def test_community_staff_may_not_register_in_another_community(personas):
    with pytest.raises(NotFound):
        create(personas, home_place=personas.tree.grid_b1)
    with pytest.raises(PermissionDenied):  # their own street is visible, not theirs to manage
        create(personas, home_place=personas.tree.street_a)
    assert not Person.objects.filter(real_name="张三").exists()


def test_update_moves_the_person_and_keeps_the_path_in_sync(personas):
    person = create(personas)
    services.person_update(
        actor=personas.street_chief_a,
        person=person,
        home_place=personas.tree.grid_a2,
        tags=["living_alone"],
        address="骑楼街1号",
    )
    person.refresh_from_db()
    assert person.home_place_path == personas.tree.grid_a2.path
    assert list(person.tags.values_list("tag", flat=True)) == ["living_alone"]
    event = AuditEvent.objects.get(action="person_update")
    assert set(event.changes) == {"home_place", "tags", "address"}


def test_update_with_no_change_writes_no_audit_event(personas):
    person = create(personas)
    services.person_update(actor=personas.community_staff_a, person=person, real_name="张三")
    assert not AuditEvent.objects.filter(action="person_update").exists()


def test_update_to_a_new_number_rederives_gender_and_birth_date(personas):
    person = create(personas)
    new = make_id_number(born=datetime.date(1990, 1, 2), serial=4)
    services.person_update(actor=personas.community_staff_a, person=person, id_number=new)
    person.refresh_from_db()
    assert (person.gender, person.birth_date) == ("female", datetime.date(1990, 1, 2))
    assert person.id_number_plain() == new


def test_update_to_someone_elses_number_is_refused(personas):
    create(personas)
    other = create(personas, real_name="李四", id_number=make_id_number(serial=5))
    with pytest.raises(ValidationFailed) as exc:
        services.person_update(
            actor=personas.community_staff_a, person=other, id_number=make_id_number(serial=3)
        )
    assert exc.value.code == "duplicate_id_number"
    other.refresh_from_db()
    assert other.id_number_plain() == make_id_number(serial=5)


def test_update_birth_date_must_still_match_the_number(personas):
    person = create(personas)
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=personas.community_staff_a, person=person, birth_date=datetime.date(1981, 1, 1)
        )


def test_update_out_of_scope_is_not_found_and_by_a_viewer_is_denied(personas):
    person = create(personas)
    with pytest.raises(NotFound):
        services.person_update(actor=personas.grid_worker_b, person=person, real_name="改")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=personas.grid_worker_a, person=person, real_name="改")
    person.refresh_from_db()
    assert person.real_name == "张三"


def test_update_may_not_move_someone_out_of_the_editors_scope(personas):
    person = create(personas)
    with pytest.raises(NotFound):
        services.person_update(
            actor=personas.community_staff_a, person=person, home_place=personas.tree.grid_b1
        )


# Roles ------------------------------------------------------------------------------------------


def test_org_roles_need_an_organisation_and_place_roles_a_place(personas):
    admin, user = personas.district_admin, personas.outsider
    with pytest.raises(ValidationFailed):
        services.role_assign(
            actor=admin, user=user, role=Role.DEPARTMENT_STAFF, place=personas.tree.district
        )
    with pytest.raises(ValidationFailed):
        services.role_assign(
            actor=admin, user=user, role=Role.GRID_WORKER, organisation=personas.department
        )
    assert not RoleAssignment.objects.filter(user=user).exists()
    services.role_assign(
        actor=admin, user=user, role=Role.DEPARTMENT_STAFF, organisation=personas.department
    )
    assert RoleAssignment.objects.filter(user=user, organisation=personas.department).exists()


def test_community_staff_may_name_grid_workers_in_their_community_only(personas):
    staff, user, tree = personas.community_staff_a, personas.outsider, personas.tree
    assert not covers(user, tree.grid_a2.path, {Role.GRID_WORKER})
    services.role_assign(actor=staff, user=user, role=Role.GRID_WORKER, place=tree.grid_a2)
    assert covers(user, tree.grid_a2.path, {Role.GRID_WORKER})  # the cached scopes were dropped
    with pytest.raises(NotFound):  # community B is out of their sight, like a missing place
        services.role_assign(actor=staff, user=user, role=Role.GRID_WORKER, place=tree.grid_b1)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=staff, user=user, role=Role.STREET_CHIEF, place=tree.grid_a2)
    with pytest.raises(PermissionDenied):  # their street is visible (breadcrumbs), not theirs
        services.role_assign(actor=staff, user=user, role=Role.GRID_WORKER, place=tree.street_a)
    assert AuditEvent.objects.filter(action="role_assign").count() == 1


def test_a_role_is_not_given_twice(personas):
    with pytest.raises(ValidationFailed) as exc:
        services.role_assign(
            actor=personas.district_admin,
            user=personas.grid_worker_a,
            role=Role.GRID_WORKER,
            place=personas.tree.grid_a1,
        )
    assert exc.value.code == "duplicate_role"


def test_role_revoke(personas):
    assignment = personas.grid_worker_b.role_assignments.get()
    with pytest.raises(NotFound):  # a role in community B, out of community A's sight
        services.role_revoke(actor=personas.community_staff_a, assignment=assignment)
    with pytest.raises(PermissionDenied):  # grid worker B sees grid B1 but gives no roles
        services.role_revoke(actor=personas.grid_worker_b, assignment=assignment)
    services.role_revoke(actor=personas.district_admin, assignment=assignment)
    assert not personas.grid_worker_b.role_assignments.exists()
    assert AuditEvent.objects.filter(action="role_revoke").count() == 1


# Organisations and teams -----------------------------------------------------------------------


def test_organisations_and_teams_in_a_place_out_of_sight_are_not_found(personas):
    """Street A's chief cannot see street B: setting anything up there answers like a missing
    place, and nothing is created or logged."""
    chief, tree = personas.street_chief_a, personas.tree
    before = (Organisation.objects.count(), Team.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotFound):
        services.organisation_create(
            actor=chief, name="河东饼店", kind=Organisation.Kind.MERCHANT, place=tree.community_b
        )
    with pytest.raises(NotFound):
        services.team_create(
            actor=chief, name="河东巡逻队", kind=Team.Kind.RESPONSIBILITY, place=tree.grid_b1
        )
    assert (Organisation.objects.count(), Team.objects.count(), AuditEvent.objects.count()) == (
        before
    )


def test_departments_are_created_by_the_district_only(personas):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=personas.street_chief_a,
            name="街道办",
            kind=Organisation.Kind.DEPARTMENT,
            place=personas.tree.street_a,
        )
    shop = services.organisation_create(
        actor=personas.street_chief_a,
        name="骑楼饼店",
        kind=Organisation.Kind.MERCHANT,
        place=personas.tree.community_a,
    )
    assert shop.place_path == personas.tree.community_a.path
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(
            actor=personas.street_chief_a,
            name="骑楼饼店",
            kind=Organisation.Kind.MERCHANT,
            place=personas.tree.community_a,
        )
    assert exc.value.code == "duplicate_organisation"


def test_team_create_and_member_add(personas):
    tree, staff = personas.tree, personas.community_staff_a
    team = services.team_create(
        actor=staff,
        name="骑楼红袖标",
        kind=Team.Kind.RED_ARMBAND,
        place=tree.community_a,
        covered_places=[tree.grid_a1, tree.grid_a2],
    )
    assert team.place_path == tree.community_a.path
    assert set(team.covered_places.all()) == {tree.grid_a1, tree.grid_a2}
    with pytest.raises(ValidationFailed):
        services.team_create(
            actor=staff,
            name="越界",
            kind=Team.Kind.VOLUNTEER,
            place=tree.community_a,
            covered_places=[tree.grid_b1],
        )
    member = services.team_member_add(
        actor=staff, team=team, person=personas.resident_a.person, position="leader", duty="治安员"
    )
    assert member.position == "leader"
    with pytest.raises(ValidationFailed):
        services.team_member_add(actor=staff, team=team, person=personas.resident_a.person)
    with pytest.raises(NotFound):  # a resident of community B is not visible to community A
        services.team_member_add(actor=staff, team=team, person=personas.resident_b.person)
    with pytest.raises(PermissionDenied):
        services.team_member_add(
            actor=personas.grid_worker_a, team=team, person=personas.resident_a.person
        )


# API tokens -------------------------------------------------------------------------------------


def test_token_is_returned_once_and_stored_as_a_hash(personas):
    import hashlib

    token, plaintext = services.api_token_create(actor=personas.grid_worker_a, name="巡查App")
    stored = ApiToken.objects.get(pk=token.pk)
    assert plaintext.startswith("mh_") and len(plaintext) > 40
    assert stored.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert stored.prefix == plaintext[:8]
    assert plaintext not in str(stored.__dict__)


def test_token_revoke_by_someone_else_is_not_found(personas):
    token, _plain = services.api_token_create(actor=personas.grid_worker_a, name="x")
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=personas.grid_worker_b, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    services.api_token_revoke(actor=personas.grid_worker_a, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_needs_a_name(personas):
    with pytest.raises(ValidationFailed):
        services.api_token_create(actor=personas.grid_worker_a, name=" ")
