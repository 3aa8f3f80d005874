"""Service records entered by staff with evidence, reversal, points, and service_minutes."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meihao.activities.attendance import activity_finish, checkin_by_qr
from meihao.activities.models import ServiceRecord
from meihao.activities.qr import make_token
from meihao.activities.records import service_record_enter_by_staff, service_record_reverse
from meihao.activities.selectors import service_minutes
from meihao.activities.tests.helpers import END, START, at, make_activity, sign_up
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.ledger.models import Transfer, Unit
from meihao.ledger.services import account_for_organisation, account_for_person, ledger_transfer

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 7)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name="sheet.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def entry(personas, **overrides) -> dict:
    fields = {
        "actor": personas.community_staff_a,
        "person": personas.volunteer_a.person,
        "service_date": DAY,
        "place": personas.tree.community_a,
        "content": "为独居老人送餐",
        "minutes": 90,
        "recording_organisation": "骑楼社区居委会",
        "person_in_charge": "社区干部甲",
        "evidence": photo(),
    }
    fields.update(overrides)
    return fields


def enter(personas, **overrides) -> ServiceRecord:
    with at(END + datetime.timedelta(days=1)):
        return service_record_enter_by_staff(**entry(personas, **overrides))


def points_of(user) -> int:
    return account_for_person(user.person, Unit.POINTS).balance


def test_staff_enter_a_record_with_evidence_and_points_are_credited(personas):
    record = enter(personas)
    assert record.source == ServiceRecord.Source.STAFF_ENTRY
    assert record.evidence.name.startswith("service-evidence/2025/06/")
    assert record.evidence.read()[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG
    assert record.place_path == personas.tree.community_a.path
    assert points_of(personas.volunteer_a) == 15
    assert Transfer.objects.get(idempotency_key=f"service-record:{record.pk}").cause_id == str(
        record.pk
    )
    assert AuditEvent.objects.filter(action="activity.service_record_enter").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"evidence": None}, "evidence"),
        (
            {"evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4 not an image", "application/pdf")},
            "evidence",
        ),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"minutes": "90"}, "minutes"),
        ({"service_date": END.date() + datetime.timedelta(days=2)}, "service_date"),
        ({"service_date": DAY - datetime.timedelta(days=400)}, "service_date"),
        ({"content": " "}, "content"),
        ({"recording_organisation": ""}, "recording_organisation"),
        ({"person_in_charge": ""}, "person_in_charge"),
        ({"person": None}, "person"),
    ],
)
def test_bad_staff_entries_are_refused_and_nothing_is_recorded(personas, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        enter(personas, **overrides)
    assert error.value.field == field
    assert not ServiceRecord.objects.exists()
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("persona", ["community_staff_a", "grid_worker_b", "resident_a"])
def test_staff_enter_records_only_inside_their_places(personas, persona):
    with pytest.raises(ValidationFailed) as error:
        enter(personas, actor=getattr(personas, persona), place=personas.tree.community_b)
    assert error.value.field == "place"
    assert not ServiceRecord.objects.exists()


def test_hours_from_attendance_and_from_staff_are_kept_apart(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    with at(START):
        checkin_by_qr(actor=personas.volunteer_a, token=make_token(activity.pk))
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    enter(personas)
    by_source = dict(
        ServiceRecord.objects.filter(person=personas.volunteer_a.person).values_list(
            "source", "minutes"
        )
    )
    assert by_source == {"attendance": 120, "staff_entry": 90}
    assert service_minutes(personas.volunteer_a.person) == 210


def test_reversal_is_a_new_record_with_opposite_minutes_and_takes_the_points_back(personas):
    record = enter(personas)
    with at(END + datetime.timedelta(days=2)):
        reversal = service_record_reverse(
            actor=personas.street_chief_a, record=record, reason="重复录入"
        )
    record.refresh_from_db()
    assert record.minutes == 90  # the original is untouched
    assert (reversal.minutes, reversal.reverses, reversal.reason) == (-90, record, "重复录入")
    assert reversal.evidence.name == record.evidence.name
    assert service_minutes(personas.volunteer_a.person) == 0
    assert points_of(personas.volunteer_a) == 0
    assert AuditEvent.objects.filter(action="activity.service_record_reverse").exists()


def test_a_record_is_reversed_once_and_a_reversal_never(personas):
    record = enter(personas)
    reversal = service_record_reverse(actor=personas.community_staff_a, record=record, reason="错")
    for target in (record, reversal):
        with pytest.raises(IllegalTransition) as error:
            service_record_reverse(actor=personas.community_staff_a, record=target, reason="再")
        assert error.value.code == "illegal_transition"
    assert ServiceRecord.objects.count() == 2


def test_reversal_needs_a_reason(personas):
    record = enter(personas)
    with pytest.raises(ValidationFailed) as error:
        service_record_reverse(actor=personas.community_staff_a, record=record, reason="  ")
    assert error.value.field == "reason"
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize("persona", ["grid_worker_b", "resident_a", "volunteer_a"])
def test_reversal_outside_scope_is_not_found(personas, persona):
    record = enter(personas)
    with pytest.raises(NotFound):
        service_record_reverse(actor=getattr(personas, persona), record=record, reason="错")
    assert ServiceRecord.objects.count() == 1


def test_a_record_whose_points_were_spent_cannot_be_reversed(personas):
    record = enter(personas)
    ledger_transfer(
        actor=personas.volunteer_a,
        source=account_for_person(personas.volunteer_a.person, Unit.POINTS),
        target=account_for_organisation(personas.merchant, Unit.POINTS),
        amount=15,
        idempotency_key="redeem:1",
        kind=Transfer.Kind.REDEMPTION,
    )
    with pytest.raises(ValidationFailed):
        service_record_reverse(actor=personas.community_staff_a, record=record, reason="错")
    assert ServiceRecord.objects.count() == 1
    assert service_minutes(personas.volunteer_a.person) == 90


def test_the_record_cannot_be_edited_in_place(personas):
    record = enter(personas)
    record.minutes = 900
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_service_minutes_by_period_and_place(personas):
    enter(personas, service_date=DAY, minutes=60)
    enter(personas, service_date=DAY - datetime.timedelta(days=40), minutes=30)
    enter(personas, actor=personas.district_admin, place=personas.tree.community_b, minutes=45)
    person = personas.volunteer_a.person
    assert service_minutes(person) == 135
    assert service_minutes(person, since=DAY) == 105
    assert service_minutes(person, until=DAY - datetime.timedelta(days=1)) == 30
    assert service_minutes(person, place_path=personas.tree.street_a.path) == 90
    assert service_minutes(personas.resident_a.person) == 0


def test_a_superuser_sees_every_record_and_a_volunteer_their_own_and_their_scope(personas):
    from meihao.core.testing import make_user

    by_staff = enter(personas)
    in_b = enter(
        personas,
        actor=personas.district_admin,
        person=personas.resident_b.person,
        place=personas.tree.community_b,
    )
    root = make_user("13900000099", "超级管理员")
    root.is_superuser = True
    root.save()
    assert set(ServiceRecord.objects.visible_to(root)) == {by_staff, in_b}
    # Staff of community A: their scope; the volunteer: their own record only.
    assert set(ServiceRecord.objects.visible_to(personas.community_staff_a)) == {by_staff}
    assert set(ServiceRecord.objects.visible_to(personas.volunteer_a)) == {by_staff}
    assert set(ServiceRecord.objects.visible_to(personas.resident_b)) == {in_b}
    assert not ServiceRecord.objects.visible_to(personas.outsider).exists()
