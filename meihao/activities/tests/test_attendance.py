"""Check-in (QR, typed code, geofence, by the organiser), check-out, and finishing: late,
absent, credited time and the share that earns a service record."""

import datetime
import math

import pytest

from meihao.activities import qr, selectors
from meihao.activities.attendance import (
    activity_finish,
    checkin_by_code,
    checkin_by_geofence,
    checkin_by_qr,
    checkin_by_staff,
    checkout,
    credited_minutes,
    distance_m,
)
from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.activities.tests.helpers import END, START, VENUE, at, make_activity, minutes, sign_up
from meihao.core.errors import DomainError, IllegalTransition, NotFound, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.ledger.models import Unit
from meihao.ledger.services import account_for_person

pytestmark = pytest.mark.django_db

METRES_PER_DEGREE_LAT = math.pi * 6_371_008.8 / 180


def north_of_venue(metres: float) -> tuple[float, float]:
    return VENUE[0] + metres / METRES_PER_DEGREE_LAT, VENUE[1]


def refused(call) -> DomainError:
    with pytest.raises((ValidationFailed, IllegalTransition)) as error:
        call()
    return error.value


@pytest.fixture
def activity(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a, personas.resident_b)
    return activity


def qr_in(user, activity, when, *, shown=None):
    token = qr.make_token(activity.pk, now=shown or when)
    with at(when):
        return checkin_by_qr(actor=user, token=token)


# --- QR ---------------------------------------------------------------------------------------


def test_scanning_the_qr_code_checks_in_on_time(personas, activity):
    result = qr_in(personas.resident_a, activity, START - minutes(5))
    attendance = result.attendance
    assert result.created
    assert attendance.check_in_method == Attendance.CheckInMethod.QR
    assert attendance.checked_in_at == START - minutes(5)
    assert not attendance.late
    assert attendance.signup.person == personas.resident_a.person
    assert AuditEvent.objects.filter(action="activity.checkin").count() == 1


def test_scanning_twice_is_one_attendance(personas, activity):
    first = qr_in(personas.resident_a, activity, START)
    again = qr_in(personas.resident_a, activity, START + minutes(20))
    assert not again.created
    assert again.attendance.pk == first.attendance.pk
    assert Attendance.objects.count() == 1


def test_a_photographed_code_cannot_be_replayed_later(personas, activity):
    qr_in(personas.resident_a, activity, START)
    token = qr.make_token(activity.pk, now=START)
    with at(START + datetime.timedelta(seconds=31)):
        error = refused(lambda: checkin_by_qr(actor=personas.resident_b, token=token))
    assert error.code == "expired_token"
    assert Attendance.objects.count() == 1


def test_a_forged_token_checks_nobody_in(personas, activity):
    token = qr.make_token(activity.pk, now=START)
    with at(START):
        error = refused(lambda: checkin_by_qr(actor=personas.resident_a, token=token + "x"))
    assert error.code == "invalid_token"
    assert not Attendance.objects.exists()


def test_a_token_of_another_activity_is_refused_on_this_ones_page(personas, activity):
    other = make_activity(personas, title="另一场")
    token = qr.make_token(other.pk, now=START)
    with at(START):
        error = refused(
            lambda: checkin_by_qr(actor=personas.resident_a, token=token, activity=activity)
        )
    assert error.code == "other_activity_token"
    assert not Attendance.objects.exists()


def test_a_token_of_a_draft_is_not_found(personas):
    draft = make_activity(personas, publish=False)
    token = qr.make_token(draft.pk, now=START)
    with at(START), pytest.raises(NotFound):
        checkin_by_qr(actor=personas.resident_a, token=token)


def test_check_in_opens_30_minutes_before_the_start_and_closes_at_the_end(personas, activity):
    error = refused(lambda: qr_in(personas.resident_a, activity, START - minutes(31)))
    assert error.code == "illegal_transition"
    refused(lambda: qr_in(personas.resident_a, activity, END))
    assert qr_in(personas.resident_a, activity, START - minutes(30)).created


def test_late_is_after_the_grace_minutes(personas, activity):
    on_time = qr_in(personas.resident_a, activity, START + minutes(15)).attendance
    late = qr_in(personas.resident_b, activity, START + minutes(15) + datetime.timedelta(seconds=1))
    assert not on_time.late
    assert late.attendance.late


def test_the_typed_code_checks_in_while_it_is_on_the_screen(personas, activity):
    code = qr.make_code(activity.pk, now=START)
    with at(START + datetime.timedelta(seconds=20)):
        result = checkin_by_code(actor=personas.resident_a, activity=activity, code=code.lower())
    assert result.attendance.check_in_method == Attendance.CheckInMethod.QR
    with at(START + datetime.timedelta(seconds=30)):
        error = refused(
            lambda: checkin_by_code(actor=personas.resident_b, activity=activity, code=code)
        )
    assert error.code == "invalid_code"
    assert Attendance.objects.count() == 1


def test_a_cancelled_activity_takes_no_check_in(personas, activity):
    from meihao.activities.services import activity_cancel

    with at(START - minutes(60)):
        activity_cancel(actor=personas.community_staff_a, activity=activity, reason="暴雨")
    error = refused(lambda: qr_in(personas.resident_a, activity, START))
    assert error.code == "illegal_transition"


# --- walk-ins and the waiting list ------------------------------------------------------------


def test_a_walk_in_is_signed_up_and_checked_in_while_places_last(personas, activity):
    result = qr_in(personas.volunteer_a, activity, START + minutes(3))
    assert result.attendance.signup.status == SignUp.Status.CONFIRMED
    assert SignUp.objects.filter(person=personas.volunteer_a.person).count() == 1


def test_a_walk_in_to_a_full_activity_is_refused_and_not_even_put_on_the_list(personas):
    full = make_activity(personas, capacity=1)
    sign_up(full, personas.resident_a)
    error = refused(lambda: qr_in(personas.volunteer_a, full, START))
    assert error.code == "illegal_transition"
    assert not SignUp.objects.filter(person=personas.volunteer_a.person).exists()


def test_someone_on_the_waiting_list_cannot_check_in(personas):
    full = make_activity(personas, capacity=1)
    sign_up(full, personas.resident_a, personas.resident_b)
    error = refused(lambda: qr_in(personas.resident_b, full, START))
    assert error.code == "illegal_transition"
    assert not Attendance.objects.exists()


# --- geofence ---------------------------------------------------------------------------------


def geofence(user, activity, point, when=START):
    with at(when):
        return checkin_by_geofence(actor=user, activity=activity, lat=point[0], lon=point[1])


def test_inside_the_radius_checks_in_and_records_the_distance(personas, activity):
    attendance = geofence(personas.resident_a, activity, north_of_venue(50)).attendance
    assert attendance.check_in_method == Attendance.CheckInMethod.GEOFENCE
    assert attendance.check_in_distance_m == 50
    assert attendance.check_in_lat == pytest.approx(north_of_venue(50)[0])


def test_outside_the_radius_says_how_far_and_changes_nothing(personas, activity):
    error = refused(lambda: geofence(personas.resident_a, activity, north_of_venue(1234)))
    assert error.code == "outside_geofence"
    assert "1234" in str(error.message) and "200" in str(error.message)
    assert not Attendance.objects.exists()


def test_the_radius_boundary(personas, activity):
    assert (
        distance_m(*north_of_venue(199.9), *VENUE)
        <= 200
        < distance_m(*north_of_venue(200.1), *VENUE)
    )
    refused(lambda: geofence(personas.resident_b, activity, north_of_venue(200.1)))
    assert geofence(personas.resident_a, activity, north_of_venue(199.9)).created


def test_the_radius_is_the_activitys_own(personas):
    wide = make_activity(personas, checkin_radius_m=1500)
    sign_up(wide, personas.resident_a)
    assert geofence(personas.resident_a, wide, north_of_venue(1400)).created


@pytest.mark.parametrize(
    ("point", "code"),
    [
        ((None, None), "location_required"),
        (("", ""), "location_required"),
        ((VENUE[0], None), "location_required"),
        (("north", "east"), "invalid_point"),
        ((95, 111.2), "invalid_point"),
        ((float("nan"), 111.2), "invalid_point"),
    ],
)
def test_a_missing_or_bad_location_is_refused(personas, activity, point, code):
    assert refused(lambda: geofence(personas.resident_a, activity, point)).code == code
    assert not Attendance.objects.exists()


def test_an_online_activity_has_no_geofence(personas):
    online = make_activity(
        personas, venue="", lat=None, lon=None, online_url="https://meeting.example.cn/1"
    )
    sign_up(online, personas.resident_a)
    error = refused(lambda: geofence(personas.resident_a, online, VENUE))
    assert error.code == "no_venue_location"


def test_haversine_matches_a_known_distance():
    # One degree of latitude on the mean sphere.
    assert distance_m(23.0, 111.0, 24.0, 111.0) == pytest.approx(111_195, abs=1)
    assert distance_m(*VENUE, *VENUE) == 0


# --- by the organiser -------------------------------------------------------------------------


def test_the_organiser_checks_in_someone_without_a_phone(personas, activity):
    signup = SignUp.objects.get(person=personas.resident_b.person)
    with at(START + minutes(20)):
        result = checkin_by_staff(actor=personas.community_staff_a, signup=signup)
    assert result.attendance.check_in_method == Attendance.CheckInMethod.STAFF
    assert result.attendance.late


@pytest.mark.parametrize("persona", ["resident_a", "grid_worker_b", "grid_worker_a"])
def test_only_organisers_in_scope_check_others_in(personas, activity, persona):
    signup = SignUp.objects.get(person=personas.resident_b.person)
    with at(START), pytest.raises(NotFound):
        checkin_by_staff(actor=getattr(personas, persona), signup=signup)
    assert not Attendance.objects.exists()


# --- check-out and credited time --------------------------------------------------------------


@pytest.mark.parametrize(
    ("came", "left", "credited"),
    [
        (-20, 150, 120),  # early and late: travel and waiting are not service
        (30, 90, 60),
        (0, 0, 0),
        (100, 120, 20),
        (-10, -5, 0),
    ],
)
def test_credited_minutes_are_the_overlap_with_the_planned_time(came, left, credited):
    activity = Activity(starts_at=START, ends_at=END)
    assert credited_minutes(activity, START + minutes(came), START + minutes(left)) == credited


def test_checking_out_credits_the_time_inside_the_activity(personas, activity):
    attendance = qr_in(personas.resident_a, activity, START - minutes(20)).attendance
    with at(START + minutes(90)):
        out = checkout(actor=personas.resident_a, attendance=attendance)
    assert out.checked_out_at == START + minutes(90)
    assert out.check_out_method == Attendance.CheckOutMethod.SELF
    assert out.credited_minutes == 90
    with at(START + minutes(100)):
        again = checkout(actor=personas.resident_a, attendance=attendance)
    assert again.checked_out_at == START + minutes(90)


def test_someone_else_cannot_check_me_out(personas, activity):
    attendance = qr_in(personas.resident_a, activity, START).attendance
    with at(START + minutes(5)), pytest.raises(NotFound):
        checkout(actor=personas.resident_b, attendance=attendance)
    attendance.refresh_from_db()
    assert attendance.checked_out_at is None


def test_the_organiser_may_check_someone_out(personas, activity):
    attendance = qr_in(personas.resident_a, activity, START).attendance
    with at(START + minutes(60)):
        out = checkout(actor=personas.street_chief_a, attendance=attendance)
    assert out.check_out_method == Attendance.CheckOutMethod.ORGANISER


# --- finishing --------------------------------------------------------------------------------


def points_of(user) -> int:
    return account_for_person(user.person, Unit.POINTS).balance


def test_finishing_checks_out_marks_absent_and_writes_records(personas):
    activity = make_activity(personas, capacity=4)
    sign_up(activity, personas.resident_a, personas.resident_b, personas.volunteer_a)
    sign_up(activity, personas.party_member_a)
    stayed = qr_in(personas.resident_a, activity, START - minutes(10)).attendance
    short = qr_in(personas.resident_b, activity, START + minutes(70)).attendance
    with at(END - minutes(1)):
        checkout(actor=personas.resident_b, attendance=short)
    qr_in(personas.party_member_a, activity, START)  # stays to the end
    with at(END + minutes(30)):
        result = activity_finish(actor=personas.community_staff_a, activity=activity)
    assert (result.checked_out, result.absent, len(result.records)) == (2, 1, 2)
    stayed.refresh_from_db()
    assert stayed.checked_out_at == END
    assert stayed.check_out_method == Attendance.CheckOutMethod.FINISH
    assert stayed.credited_minutes == 120
    assert [s.person for s in selectors.absentees(activity)] == [personas.volunteer_a.person]
    record = ServiceRecord.objects.get(person=personas.resident_a.person)
    assert (record.minutes, record.source, record.attendance) == (120, "attendance", stayed)
    assert record.service_date == datetime.date(2025, 6, 7)
    assert record.content == "清洁骑楼老街"
    assert record.recording_organisation == "骑楼社区"
    assert record.person_in_charge == "社区干部甲"
    # 49 minutes of 120 is below the 50 % share: no record, no points.
    assert not ServiceRecord.objects.filter(person=personas.resident_b.person).exists()
    assert points_of(personas.resident_a) == 20  # 10 points an hour by default
    assert points_of(personas.resident_b) == 0
    activity.refresh_from_db()
    assert activity.status == Activity.Status.FINISHED


@pytest.mark.parametrize(("came_after", "recorded"), [(60, True), (61, False)])
def test_the_attendance_share_boundary(personas, came_after, recorded):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    qr_in(personas.resident_a, activity, START + minutes(came_after))
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    assert ServiceRecord.objects.filter(person=personas.resident_a.person).exists() == recorded


def test_finishing_early_checks_out_at_the_moment_of_finishing(personas, activity):
    attendance = qr_in(personas.resident_a, activity, START).attendance
    with at(START + minutes(80)):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    attendance.refresh_from_db()
    assert attendance.checked_out_at == START + minutes(80)
    assert attendance.credited_minutes == 80
    assert ServiceRecord.objects.get().minutes == 80


def test_a_lectures_audience_earns_no_service_hours_but_its_helpers_do(personas):
    lecture = make_activity(
        personas, kind=Activity.Kind.LECTURE, roles_needed=[{"role": "引导员", "count": 1}]
    )
    sign_up(lecture, personas.resident_a)
    sign_up(lecture, personas.volunteer_a, role="引导员")
    qr_in(personas.resident_a, lecture, START)
    qr_in(personas.volunteer_a, lecture, START)
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=lecture)
    record = ServiceRecord.objects.get()
    assert record.person == personas.volunteer_a.person
    assert record.content == "清洁骑楼老街（引导员）"


def test_finish_before_the_start_or_twice_is_refused(personas, activity):
    with at(START - minutes(1)):
        assert (
            refused(
                lambda: activity_finish(actor=personas.community_staff_a, activity=activity)
            ).code
            == "illegal_transition"
        )
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
        refused(lambda: activity_finish(actor=personas.community_staff_a, activity=activity))
    assert AuditEvent.objects.filter(action="activity.finish").count() == 1


def test_finish_by_an_organiser_out_of_scope_is_not_found(personas, activity):
    with at(END), pytest.raises(NotFound):
        activity_finish(actor=personas.grid_worker_b, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_after_finishing_no_one_checks_in_or_out(personas, activity):
    attendance = qr_in(personas.resident_a, activity, START).attendance
    with at(END - minutes(10)):
        activity_finish(actor=personas.community_staff_a, activity=activity)
        refused(lambda: qr_in(personas.resident_b, activity, END - minutes(10)))
    with at(END):
        out = checkout(actor=personas.resident_a, attendance=attendance)
    assert out.check_out_method == Attendance.CheckOutMethod.FINISH


def test_attendance_rows_show_present_late_absent(personas, activity):
    qr_in(personas.resident_a, activity, START + minutes(20))
    rows = selectors.attendance_rows(activity, now=START + minutes(30))
    assert [(r.signup.person.real_name, r.state, r.late) for r in rows] == [
        ("居民甲", "present", True),
        ("居民乙", "expected", False),
    ]
    rows = selectors.attendance_rows(activity, now=END)
    assert [r.state for r in rows] == ["present", "absent"]


def test_activities_their_organisers_forget_are_finished_six_hours_after_the_end(personas):
    from meihao.activities.attendance import activities_finish_overdue
    from meihao.people.models import RoleAssignment

    forgotten = make_activity(personas)
    orphaned = make_activity(personas, title="创建者已调离")
    sign_up(forgotten, personas.resident_a)
    qr_in(personas.resident_a, forgotten, START)
    with at(END + minutes(5 * 60 + 59)):
        assert activities_finish_overdue() == []
    # The creator of the second one no longer organises anything: left for someone else.
    RoleAssignment.objects.filter(user=personas.community_staff_a).delete()
    forgotten.created_by = personas.street_chief_a
    forgotten.save(update_fields=["created_by"])
    with at(END + minutes(6 * 60)):
        (finished,) = activities_finish_overdue()
        assert activities_finish_overdue() == []  # nothing twice
    forgotten.refresh_from_db()
    orphaned.refresh_from_db()
    assert forgotten.status == Activity.Status.FINISHED
    assert orphaned.status == Activity.Status.PUBLISHED
    record = ServiceRecord.objects.get(person=personas.resident_a.person)
    assert record.minutes == 120  # checked out at the planned end, not when the job ran
    assert finished.records == [record]
