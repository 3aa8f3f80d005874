"""Volunteer registration: real name, consent, minors and their guardians, the role it gives;
suspension and reactivation."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.people.models import Person, PersonTag, RoleAssignment
from meihao.volunteers import consent
from meihao.volunteers.models import VolunteerProfile
from meihao.volunteers.services import (
    age_on,
    volunteer_reactivate,
    volunteer_register,
    volunteer_suspend,
)
from meihao.volunteers.tests.helpers import id_number, register

pytestmark = pytest.mark.django_db
VALID = id_number(datetime.date(1980, 5, 17))
WRONG_CHECK_DIGIT = VALID[:17] + ("1" if VALID[17] != "1" else "2")
TODAY = datetime.datetime(2025, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def snapshot(user):
    person = Person.objects.get(user=user)
    return (
        VolunteerProfile.objects.count(),
        RoleAssignment.objects.filter(user=user).count(),
        AuditEvent.objects.count(),
        (person.real_name, person.id_number_hash, person.birth_date),
        PersonTag.objects.filter(person=person).count(),
    )


def test_adult_registers_with_real_name_and_gets_the_volunteer_role(personas):
    user = personas.resident_a
    number = id_number(datetime.date(1980, 5, 17))
    profile = volunteer_register(
        actor=user,
        consent_given=True,
        real_name=" 居民甲 ",
        id_number=number,
        skills="急救",
        service_areas=["safety", "elderly", "safety"],
    )
    assert profile.community == personas.tree.community_a  # from the home grid A1
    assert profile.consent_version == consent.VERSION
    assert profile.consent_at == TODAY
    assert profile.service_areas == ["safety", "elderly"]
    assert profile.guardian_consent_at is None
    person = Person.objects.get(user=user)
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    assert person.birth_date == datetime.date(1980, 5, 17)
    assert person.id_number_plain() == number
    assert RoleAssignment.objects.filter(
        user=user, role=Role.VOLUNTEER, place=personas.tree.community_a
    ).exists()
    assert PersonTag.objects.filter(person=person, tag=PersonTag.Tag.VOLUNTEER).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"volunteer_register", "role_assign", "person_real_name"} <= actions


def test_refusing_consent_changes_nothing(personas):
    user = personas.resident_a
    before = snapshot(user)
    with pytest.raises(ValidationFailed) as error:
        volunteer_register(
            actor=user,
            consent_given=False,
            real_name="居民甲",
            id_number=id_number(datetime.date(1980, 5, 17)),
        )
    assert error.value.code == "consent_required"
    assert error.value.field == "consent"
    assert snapshot(user) == before


@pytest.mark.parametrize(
    ("guardian", "field"),
    [
        ({}, "guardian_name"),
        ({"guardian_name": "家长"}, "guardian_phone"),
        ({"guardian_name": "家长", "guardian_phone": "12345"}, "guardian_phone"),
        ({"guardian_name": "家长", "guardian_phone": "13912345678"}, "guardian_consent"),
    ],
)
def test_minor_without_a_complete_guardian_consent_changes_nothing(personas, guardian, field):
    user = personas.resident_a
    before = snapshot(user)
    with pytest.raises(ValidationFailed) as error:
        register(user, born=datetime.date(2010, 1, 1), **guardian)
    assert error.value.field == field
    assert "18" in str(error.value.message) or field == "guardian_phone"
    assert snapshot(user) == before


def test_minor_with_guardian_consent_registers(personas):
    profile = register(
        personas.resident_a,
        born=datetime.date(2010, 1, 1),
        guardian_name="家长",
        guardian_phone="139 1234 5678",
        guardian_consent=True,
    )
    assert profile.guardian_name == "家长"
    assert profile.guardian_phone == "13912345678"
    assert profile.guardian_consent_at == TODAY


def test_eighteenth_birthday_today_is_an_adult(personas):
    profile = register(personas.resident_a, born=datetime.date(2007, 6, 1))
    assert profile.guardian_consent_at is None


def test_one_day_before_the_eighteenth_birthday_is_a_minor(personas):
    with pytest.raises(ValidationFailed) as error:
        register(personas.resident_a, born=datetime.date(2007, 6, 2))
    assert error.value.field == "guardian_name"


def test_age_on_counts_whole_years():
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2018, 2, 28)) == 17
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2018, 3, 1)) == 18


def test_guardian_given_by_an_adult_is_not_kept(personas):
    profile = register(
        personas.resident_a,
        guardian_name="家长",
        guardian_phone="13912345678",
        guardian_consent=True,
    )
    assert (profile.guardian_name, profile.guardian_phone) == ("", "")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"id_number": ""}, "id_number", "validation_failed"),
        ({"id_number": "45040319800517123"}, "id_number", "validation_failed"),
        ({"id_number": WRONG_CHECK_DIGIT}, "id_number", "validation_failed"),
        ({"real_name": "  "}, "real_name", "validation_failed"),
        ({"service_areas": ["flying"]}, "service_areas", "validation_failed"),
        ({"skills": "x" * 201}, "skills", "validation_failed"),
    ],
)
def test_bad_input_changes_nothing(personas, overrides, field, code):
    user = personas.resident_a
    before = snapshot(user)
    with pytest.raises(ValidationFailed) as error:
        register(user, **overrides)
    assert (error.value.field, error.value.code) == (field, code)
    assert snapshot(user) == before


def test_community_must_be_a_community(personas):
    with pytest.raises(ValidationFailed) as error:
        register(personas.resident_a, community=personas.tree.street_a)
    assert error.value.field == "community"


def test_chosen_community_is_used(personas):
    profile = register(personas.resident_a, community=personas.tree.community_b)
    assert profile.community_path == personas.tree.community_b.path


def test_someone_elses_id_number_is_refused(personas):
    register(personas.resident_a, sequence="555")
    with pytest.raises(ValidationFailed) as error:
        register(personas.resident_b, sequence="555")
    assert error.value.code == "duplicate_id_number"
    assert not VolunteerProfile.objects.filter(person__user=personas.resident_b).exists()


def test_id_number_on_file_is_used_and_not_asked_again(personas):
    register(personas.resident_a)
    person = Person.objects.get(user=personas.resident_a)
    VolunteerProfile.objects.filter(person=person).delete()
    profile = volunteer_register(actor=personas.resident_a, consent_given=True)
    assert profile.person.id_number_hash == person.id_number_hash


def test_registering_twice_is_refused(personas):
    register(personas.resident_a)
    with pytest.raises(ValidationFailed) as error:
        register(personas.resident_a, sequence="999")
    assert error.value.code == "already_registered"


def test_existing_volunteer_role_is_not_duplicated(personas):
    register(personas.volunteer_a)
    assert (
        RoleAssignment.objects.filter(user=personas.volunteer_a, role=Role.VOLUNTEER).count() == 1
    )


def test_log_in_without_a_person_record_gets_a_clear_message(personas):
    from meihao.people.models import User

    user = User.objects.create_user("13800000099", "x", name="新用户")
    with pytest.raises(ValidationFailed) as error:
        volunteer_register(actor=user, consent_given=True)
    assert error.value.code == "no_person"


def test_suspension_removes_the_role_and_reactivation_restores_it(personas):
    profile = register(personas.volunteer_a)
    staff = personas.community_staff_a
    volunteer_suspend(actor=staff, profile=profile, reason="长期未参加活动")
    profile.refresh_from_db()
    assert profile.status == VolunteerProfile.Status.SUSPENDED
    assert profile.status_reason == "长期未参加活动"
    assert not RoleAssignment.objects.filter(
        user=personas.volunteer_a, role=Role.VOLUNTEER
    ).exists()
    with pytest.raises(ValidationFailed):
        volunteer_suspend(actor=staff, profile=profile, reason="again")
    volunteer_reactivate(actor=staff, profile=profile)
    profile.refresh_from_db()
    assert profile.is_active and profile.status_reason == ""
    assert RoleAssignment.objects.filter(
        user=personas.volunteer_a, role=Role.VOLUNTEER, place=personas.tree.community_a
    ).exists()


def test_suspension_needs_a_reason(personas):
    profile = register(personas.volunteer_a)
    with pytest.raises(ValidationFailed) as error:
        volunteer_suspend(actor=personas.community_staff_a, profile=profile, reason=" ")
    assert error.value.field == "reason"
    profile.refresh_from_db()
    assert profile.is_active


@pytest.mark.parametrize(
    ("persona", "outcome"),
    [
        ("community_staff_a", None),
        ("street_chief_a", None),
        ("district_admin", None),
        ("grid_worker_a", NotFound),
        ("grid_worker_b", NotFound),
        ("department_staff", NotFound),
        ("resident_b", NotFound),
        ("outsider", NotFound),
        ("party_member_a", NotFound),
        ("merchant_staff", NotFound),
        ("volunteer_a", PermissionDenied),  # sees their own profile, may not suspend it
    ],
)
def test_who_may_suspend(personas, persona, outcome):
    profile = register(personas.volunteer_a)
    actor = getattr(personas, persona)
    if outcome is None:
        volunteer_suspend(actor=actor, profile=profile, reason="违反守则")
        profile.refresh_from_db()
        assert not profile.is_active
        return
    before = AuditEvent.objects.count()
    with pytest.raises(outcome):
        volunteer_suspend(actor=actor, profile=profile, reason="违反守则")
    profile.refresh_from_db()
    assert profile.is_active
    assert AuditEvent.objects.count() == before
