"""Dual registration (双报到): units and members register, posts are published and claimed
within their places, confirmations become service records, hours per member and unit."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meihao.activities.models import ServiceRecord
from meihao.activities.records import service_record_reverse
from meihao.activities.selectors import service_minutes
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.dual import selectors, services
from meihao.dual.models import (
    MemberRegistration,
    PostClaim,
    ServicePost,
    UnitRegistration,
)
from meihao.people.models import Organisation, PersonTag, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def units(personas):
    tree = personas.tree

    def unit(name, place):
        return Organisation.objects.create(
            name=name, kind=Organisation.Kind.UNIT, place=place, place_path=place.path
        )

    return unit("万秀区供电局", tree.district), unit("城东小学", tree.street_a)


@pytest.fixture
def members(personas, units, year):
    """Two more party members living in community A, each registered with it this year."""
    tree, staff = personas.tree, personas.community_staff_a
    power, school = units
    first = make_user("13800000061", "党员乙", home=tree.grid_a1)
    second = make_user("13800000062", "党员丙", home=tree.grid_a2)
    registrations = [
        services.member_register(
            actor=staff, person=user.person, unit=unit, community=tree.community_a, year=year
        )
        for user, unit in ((first, power), (second, school))
    ]
    return first, second, registrations


def publish(personas, year, **overrides):
    fields = {
        "actor": personas.community_staff_a,
        "community": personas.tree.community_a,
        "year": year,
        "title": "周末环境清洁",
        "expected_minutes": 120,
        "slots": 1,
    }
    fields.update(overrides)
    return services.post_publish(**fields)


def test_unit_registers_once_per_community_and_year(personas, units, year):
    staff, tree = personas.community_staff_a, personas.tree
    power, _school = units
    registration = services.unit_register(
        actor=staff, organisation=power, community=tree.community_a, year=year, contact_name="王"
    )
    assert registration.community_path == tree.community_a.path
    with pytest.raises(ValidationFailed) as error:
        services.unit_register(
            actor=staff, organisation=power, community=tree.community_a, year=year
        )
    assert error.value.code == "duplicate_registration"
    services.unit_register(
        actor=staff, organisation=power, community=tree.community_a, year=year - 1
    )
    assert UnitRegistration.objects.count() == 2


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("merchant", ValidationFailed),
        ("street", ValidationFailed),
        ("far_year", ValidationFailed),
        ("other_community", NotFound),  # out of sight, like a missing community
        ("grid_worker", PermissionDenied),
    ],
)
def test_unit_registration_refusals_change_nothing(personas, units, year, case, error):
    tree = personas.tree
    arguments = {
        "actor": personas.community_staff_a,
        "organisation": units[0],
        "community": tree.community_a,
        "year": year,
    }
    arguments.update(
        {
            "merchant": {"organisation": personas.merchant},
            "street": {"community": tree.street_a},
            "far_year": {"year": year + 3},
            "other_community": {"community": tree.community_b},
            "grid_worker": {"actor": personas.grid_worker_a},
        }[case]
    )
    with pytest.raises(error):
        services.unit_register(**arguments)
    assert not UnitRegistration.objects.exists()


def test_member_registration_gives_the_party_member_role(personas, members, year):
    first, _second, registrations = members
    assert registrations[0].community == personas.tree.community_a
    assert RoleAssignment.objects.filter(
        user=first, role=Role.PARTY_MEMBER, place=personas.tree.community_a
    ).exists()
    assert PersonTag.objects.filter(person=first.person, tag=PersonTag.Tag.PARTY_MEMBER).exists()
    with pytest.raises(ValidationFailed) as error:
        services.member_register(
            actor=personas.community_staff_a,
            person=first.person,
            unit=registrations[0].unit,
            community=personas.tree.community_a,
            year=year,
        )
    assert error.value.code == "duplicate_registration"


def test_member_outside_the_staffs_residents_is_refused(personas, units, year):
    with pytest.raises(ValidationFailed) as error:
        services.member_register(
            actor=personas.community_staff_a,
            person=personas.resident_b.person,
            unit=units[0],
            community=personas.tree.community_a,
            year=year,
        )
    assert error.value.field == "person"
    assert not MemberRegistration.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"expected_minutes": 0}, "expected_minutes"),
        ({"expected_minutes": 24 * 60 + 1}, "expected_minutes"),
        ({"slots": 0}, "slots"),
        ({"slots": "many"}, "slots"),
        ({"community": None}, "community"),
    ],
)
def test_bad_post_changes_nothing(personas, year, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        publish(personas, year, **overrides)
    assert error.value.field == field
    assert not ServicePost.objects.exists()


def test_claims_respect_the_places(personas, members, year):
    first, second, _ = members
    post = publish(personas, year, slots=1)
    stale_copy = ServicePost.objects.get(pk=post.pk)  # loaded before anyone claimed
    claim = services.post_claim(actor=first, post=post)
    assert claim.status == PostClaim.Status.CLAIMED
    with pytest.raises(ValidationFailed) as error:
        services.post_claim(actor=second, post=stale_copy)
    assert error.value.code == "post_full"
    post.refresh_from_db()
    assert post.claimed_count == 1
    assert PostClaim.objects.count() == 1


def test_the_database_refuses_more_claims_than_places(personas, year):
    post = publish(personas, year, slots=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServicePost.objects.filter(pk=post.pk).update(claimed_count=2)


def test_claiming_twice_closed_posts_and_strangers(personas, members, year):
    first, _second, _ = members
    post = publish(personas, year, slots=3)
    services.post_claim(actor=first, post=post)
    with pytest.raises(ValidationFailed) as error:
        services.post_claim(actor=first, post=post)
    assert error.value.code == "already_claimed"
    services.post_set_open(actor=personas.community_staff_a, post=post, is_open=False)
    post.refresh_from_db()
    with pytest.raises(ValidationFailed) as error:
        services.post_claim(actor=members[1], post=post)
    assert error.value.code == "post_closed"
    # Registered with community A, but in a past year; and someone not registered at all.
    with pytest.raises(NotFound):
        services.post_claim(actor=personas.resident_a, post=post)
    post.refresh_from_db()
    assert post.claimed_count == 1


def test_registration_of_another_year_does_not_reach_this_years_posts(personas, members, year):
    post_last_year = publish(personas, year - 1)
    with pytest.raises(NotFound):
        services.post_claim(actor=members[0], post=post_last_year)


def test_cancelling_frees_the_place(personas, members, year):
    first, second, _ = members
    post = publish(personas, year, slots=1)
    claim = services.post_claim(actor=first, post=post)
    services.post_claim_cancel(actor=first, claim=claim)
    claim.refresh_from_db()
    assert claim.status == PostClaim.Status.CANCELLED
    post.refresh_from_db()
    assert post.claimed_count == 0
    services.post_claim(actor=second, post=post)
    # Claiming again after cancelling is allowed once a place is free.
    post.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.post_claim(actor=first, post=post)


def test_someone_else_cannot_cancel_a_claim(personas, members, year):
    first, second, _ = members
    claim = services.post_claim(actor=first, post=publish(personas, year))
    with pytest.raises(NotFound):
        services.post_claim_cancel(actor=second, claim=claim)
    with pytest.raises(NotFound):
        services.post_claim_cancel(actor=personas.grid_worker_a, claim=claim)
    claim.refresh_from_db()
    assert claim.status == PostClaim.Status.CLAIMED


def test_confirmation_writes_a_service_record(personas, members, year):
    first, _second, _ = members
    post = publish(personas, year, slots=2)
    claim = services.post_claim(actor=first, post=post)
    services.post_claim_confirm(
        actor=personas.community_staff_a, claim=claim, minutes=150, note="清理了三条巷道"
    )
    claim.refresh_from_db()
    assert claim.status == PostClaim.Status.COMPLETED
    assert claim.minutes == 150
    record = claim.service_record
    assert record.person == first.person
    assert record.minutes == 150
    # The confirmed claim is the evidence: no photo stands in for it.
    assert record.source == ServiceRecord.Source.CONFIRMED_POST
    assert record.content == "周末环境清洁"
    assert record.place == personas.tree.community_a
    assert not record.evidence
    assert service_minutes(first.person) == 150
    with pytest.raises(ValidationFailed):
        services.post_claim_confirm(actor=personas.community_staff_a, claim=claim, minutes=10)
    with pytest.raises(ValidationFailed):
        services.post_claim_cancel(actor=first, claim=claim)


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, "x"])
def test_confirmation_with_bad_minutes_changes_nothing(personas, members, year, minutes):
    claim = services.post_claim(actor=members[0], post=publish(personas, year))
    with pytest.raises(ValidationFailed) as error:
        services.post_claim_confirm(actor=personas.community_staff_a, claim=claim, minutes=minutes)
    assert error.value.field == "minutes"
    claim.refresh_from_db()
    assert claim.status == PostClaim.Status.CLAIMED
    assert not ServiceRecord.objects.exists()


def test_future_service_date_is_refused(personas, members, year):
    claim = services.post_claim(actor=members[0], post=publish(personas, year))
    with pytest.raises(ValidationFailed) as error:
        services.post_claim_confirm(
            actor=personas.community_staff_a,
            claim=claim,
            minutes=60,
            service_date=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert error.value.field == "service_date"
    claim.refresh_from_db()
    assert claim.status == PostClaim.Status.CLAIMED


@pytest.mark.parametrize("persona", ["grid_worker_a", "street_chief_a", "resident_a"])
def test_who_confirms(personas, members, year, persona):
    claim = services.post_claim(actor=members[0], post=publish(personas, year))
    actor = getattr(personas, persona)
    if persona == "street_chief_a":
        services.post_claim_confirm(actor=actor, claim=claim, minutes=60)
        return
    with pytest.raises(NotFound):
        services.post_claim_confirm(actor=actor, claim=claim, minutes=60)
    assert not ServiceRecord.objects.exists()


def test_hours_per_member_and_unit_for_a_year(personas, members, units, year):
    first, second, _ = members
    staff = personas.community_staff_a
    big = publish(personas, year, slots=5, title="敬老服务")
    small = publish(personas, year, slots=5, title="文明劝导")
    for actor, post, minutes in ((first, big, 120), (first, small, 45), (second, big, 90)):
        claim = services.post_claim(actor=actor, post=post)
        services.post_claim_confirm(actor=staff, claim=claim, minutes=minutes)
    # A claim not yet confirmed counts nothing; a reversed record counts nothing.
    services.post_claim(actor=second, post=small)
    reversed_claim = PostClaim.objects.get(person=second.person, post=big)
    service_record_reverse(actor=staff, record=reversed_claim.service_record, reason="重复录入")
    # Last year's post of the same member is another year.
    services.member_register(
        actor=staff,
        person=first.person,
        unit=units[0],
        community=personas.tree.community_a,
        year=year - 1,
    )
    old = services.post_claim(actor=first, post=publish(personas, year - 1, slots=1))
    services.post_claim_confirm(actor=staff, claim=old, minutes=600)

    report = selectors.hours_report(staff, year=year)
    by_member = {row["person__real_name"]: row for row in report.members}
    assert by_member["党员乙"]["minutes"] == 165
    assert by_member["党员乙"]["posts"] == 2
    assert by_member["党员丙"]["minutes"] == 0
    by_unit = {row["unit__name"]: row for row in report.units}
    assert by_unit["万秀区供电局"]["minutes"] == 165
    assert by_unit["城东小学"]["minutes"] == 0
    assert by_unit["城东小学"]["members"] == 1
    assert report.total_hours == 165 / 60
    last_year = selectors.hours_report(staff, year=year - 1)
    assert [row["minutes"] for row in last_year.members] == [600]


def test_report_is_scoped(personas, members, year):
    staff_b = make_user(
        "13800000070",
        "社区干部乙",
        home=personas.tree.community_b,
        roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)],
    )
    assert selectors.hours_report(staff_b, year=year).members == []
    assert len(selectors.hours_report(personas.street_chief_a, year=year).members) == 2
    assert selectors.hours_report(personas.grid_worker_a, year=year).members == []


def test_member_sees_posts_of_their_community_only(personas, members, year):
    first, _second, _ = members
    mine = publish(personas, year, slots=2)
    closed = publish(personas, year, title="已关闭")
    services.post_set_open(actor=personas.community_staff_a, post=closed, is_open=False)
    elsewhere = services.post_publish(
        actor=personas.district_admin,
        community=personas.tree.community_b,
        year=year,
        title="河东岗位",
        expected_minutes=60,
        slots=1,
    )
    shown = list(selectors.member_posts(first, year=year))
    assert [p.pk for p in shown] == [mine.pk]
    assert shown[0].my_claim_status is None
    services.post_claim(actor=first, post=mine)
    services.post_set_open(actor=personas.community_staff_a, post=mine, is_open=False)
    # A closed post stays on the list of the member who claimed it.
    shown = list(selectors.member_posts(first, year=year))
    assert [(p.pk, p.my_claim_status) for p in shown] == [(mine.pk, "claimed")]
    with pytest.raises(NotFound):
        selectors.member_post_get(first, elsewhere.pk)
