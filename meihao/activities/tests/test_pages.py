"""What the activity pages show and do, for participants and organisers."""

import io
import math

import pytest
import segno
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from PIL import Image

from meihao.activities import qr
from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.activities.tests.helpers import (
    END,
    START,
    VENUE,
    WEEK_BEFORE,
    at,
    make_activity,
    minutes,
    sign_up,
)
from meihao.core.models import AuditEvent
from meihao.core.testing import assert_refused_back, forms_not_coming_back

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, user):
    client.force_login(user)
    return client


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_published_upcoming_activities_only(client, personas):
    shown = make_activity(personas, title="清洁")
    make_activity(personas, publish=False, title="草稿")
    cancelled = make_activity(personas, title="已取消")
    with at(WEEK_BEFORE):
        from meihao.activities.services import activity_cancel

        activity_cancel(actor=personas.community_staff_a, activity=cancelled, reason="雨")
    login(client, personas.resident_b)
    with at(START - minutes(60)):
        body = client.get("/activities/").content.decode()
    assert f"/activities/{shown.pk}/" in body
    assert "草稿" not in body and "已取消" not in body
    with at(END):
        assert 'id="activity-list-empty"' in client.get("/activities/").content.decode()


def test_the_list_filters_by_kind(client, personas):
    clinic = make_activity(personas, title="眼科筛查", kind=Activity.Kind.HEALTH_CLINIC)
    lecture = make_activity(personas, title="防诈骗讲座", kind=Activity.Kind.LECTURE)
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        body = client.get("/activities/?kind=lecture").content.decode()
    assert f"/activities/{lecture.pk}/" in body and f"/activities/{clinic.pk}/" not in body


def test_with_a_location_nearby_activities_come_first(client, personas):
    far = make_activity(personas, title="远处", lat=23.41, lon=111.31, starts_at=START)
    near = make_activity(
        personas, title="近处", starts_at=START + minutes(60), ends_at=END + minutes(60)
    )
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        plain = client.get("/activities/").content.decode()
        response = client.get(f"/activities/?lat={VENUE[0]}&lon={VENUE[1]}")
    nearby = response.content.decode()
    assert plain.index(f"/activities/{far.pk}/") < plain.index(f"/activities/{near.pk}/")
    assert nearby.index(f"/activities/{near.pk}/") < nearby.index(f"/activities/{far.pk}/")
    assert [a.distance_m for a in response.context["page"]] == [0, 10714]


def test_a_bad_location_is_ignored_with_a_message(client, personas):
    make_activity(personas)
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        response = client.get("/activities/?lat=999&lon=1")
    assert response.status_code == 200
    assert response.context["near"] is None
    assert messages_of(response)


def test_the_list_costs_the_same_queries_for_3_or_12_activities(client, personas):
    login(client, personas.resident_a)

    def count():
        with at(WEEK_BEFORE), CaptureQueriesContext(connection) as queries:
            assert client.get("/activities/").status_code == 200
        return len(queries)

    for _ in range(3):
        make_activity(personas)
    few = count()
    for _ in range(9):
        make_activity(personas)
    assert count() == few


# --- signing up -------------------------------------------------------------------------------


def test_sign_up_and_cancel_from_the_page(client, personas):
    activity = make_activity(personas)
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        page = client.get(f"/activities/{activity.pk}/").content.decode()
        assert 'id="signup-form"' in page
        response = client.post(f"/activities/{activity.pk}/signup/")
        assert response.status_code == 302
        signup = SignUp.objects.get()
        assert signup.status == "confirmed"
        page = client.get(f"/activities/{activity.pk}/").content.decode()
        assert 'id="my-signup"' in page and 'id="cancel-signup-button"' in page
        client.post(f"/activities/{activity.pk}/signup/cancel/")
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_a_full_activity_offers_the_waiting_list(client, personas):
    activity = make_activity(personas, capacity=1)
    sign_up(activity, personas.resident_b)
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        page = client.get(f"/activities/{activity.pk}/")
        assert page.context["places"]["free"] == 0
        client.post(f"/activities/{activity.pk}/signup/")
    assert SignUp.objects.get(person=personas.resident_a.person).status == "waitlisted"


def test_the_role_choice_lists_the_roles_and_their_free_places(client, personas):
    activity = make_activity(personas, capacity=2, roles_needed=[{"role": "治安员", "count": 2}])
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        page = client.get(f"/activities/{activity.pk}/").content.decode()
        assert 'value="治安员"' in page
        assert '<option value="">' not in page  # every place has a role
        client.post(f"/activities/{activity.pk}/signup/", {"role": "治安员"})
    assert SignUp.objects.get().role == "治安员"


def test_a_bad_role_changes_nothing_and_says_why(client, personas):
    activity = make_activity(personas, roles_needed=[{"role": "治安员", "count": 1}])
    login(client, personas.resident_a)
    with at(WEEK_BEFORE):
        assert_refused_back(
            client,
            f"/activities/{activity.pk}/signup/",
            {"role": "厨师"},
            page=f"/activities/{activity.pk}/",
            status=400,
            message="请选择这个活动所需的岗位之一。",
        )
    assert not SignUp.objects.exists()


# --- checking in and out ----------------------------------------------------------------------


def test_opening_the_qr_address_checks_in(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    login(client, personas.resident_a)
    token = qr.make_token(activity.pk, now=START)
    with at(START + minutes(0)):
        response = client.get(f"/activities/checkin/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/activities/{activity.pk}/"
    assert Attendance.objects.get().check_in_method == "qr"
    with at(START + minutes(0)):
        again = client.get(f"/activities/checkin/{token}/")
    assert again.status_code == 302
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("token_of", "status"), [("expired", 400), ("forged", 400), ("draft", 404)]
)
def test_a_bad_qr_address_explains_and_checks_nobody_in(client, personas, token_of, status):
    activity = make_activity(personas)
    draft = make_activity(personas, publish=False)
    sign_up(activity, personas.resident_a)
    tokens = {
        "expired": qr.make_token(activity.pk, now=START - minutes(1)),
        "forged": qr.make_token(activity.pk, now=START) + "0",
        "draft": qr.make_token(draft.pk, now=START),
    }
    login(client, personas.resident_a)
    with at(START):
        response = client.get(f"/activities/checkin/{tokens[token_of]}/")
    assert response.status_code == status
    assert 'id="checkin-error"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_typed_code_checks_in_and_a_wrong_one_does_not(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    login(client, personas.resident_a)
    with at(START):
        page = client.get(f"/activities/{activity.pk}/").content.decode()
        assert 'id="checkin"' in page
        response = client.post(
            f"/activities/{activity.pk}/checkin/code/",
            {"code": "WRONG2", "next": f"/activities/{activity.pk}/"},
        )
        assert response["Location"] == f"/activities/{activity.pk}/"
        assert messages_of(response) and not Attendance.objects.exists()
        client.post(f"/activities/{activity.pk}/checkin/code/", {"code": qr.make_code(activity.pk)})
    assert Attendance.objects.count() == 1


def test_location_check_in_inside_and_outside(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    login(client, personas.resident_a)
    far_lat = VENUE[0] + 1234 / (math.pi * 6_371_008.8 / 180)
    with at(START):
        response = client.post(
            f"/activities/{activity.pk}/checkin/location/",
            {"lat": far_lat, "lon": VENUE[1], "next": f"/activities/{activity.pk}/"},
        )
        assert response["Location"] == f"/activities/{activity.pk}/"
        assert any("1234" in m for m in messages_of(response))
        assert not Attendance.objects.exists()
        client.post(
            f"/activities/{activity.pk}/checkin/location/", {"lat": VENUE[0], "lon": VENUE[1]}
        )
    assert Attendance.objects.get().check_in_method == "geofence"


def test_check_out_from_the_page(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    login(client, personas.resident_a)
    with at(START):
        client.post(f"/activities/{activity.pk}/checkin/code/", {"code": qr.make_code(activity.pk)})
    with at(START + minutes(75)):
        assert 'id="checkout-button"' in client.get(f"/activities/{activity.pk}/").content.decode()
        client.post(f"/activities/{activity.pk}/checkout/")
    assert Attendance.objects.get().credited_minutes == 75


def test_checkout_without_checkin_is_404(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    login(client, personas.resident_a)
    with at(START):
        assert client.post(f"/activities/{activity.pk}/checkout/").status_code == 404


def test_the_scan_page_loads_the_vendored_scanner(client, personas):
    login(client, personas.resident_a)
    body = client.get("/activities/scan/").content.decode()
    assert "/static/vendor/jsqr/jsQR.js" in body
    assert 'data-checkin-path="/activities/checkin/"' in body


def test_my_activities_show_signups_attendance_and_hours(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    with at(START):
        from meihao.activities.attendance import activity_finish, checkin_by_code

        checkin_by_code(
            actor=personas.volunteer_a, activity=activity, code=qr.make_code(activity.pk)
        )
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    login(client, personas.volunteer_a)
    response = client.get("/activities/mine/")
    body = response.content.decode()
    assert response.context["total_minutes"] == 120
    assert f"/activities/{activity.pk}/" in body and 'id="my-records"' in body


def test_my_activities_empty(client, personas):
    login(client, personas.outsider)
    body = client.get("/activities/mine/").content.decode()
    assert 'id="my-signups-empty"' in body and 'id="my-records-empty"' in body


# --- organisers -------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "kind": "volunteer_service",
        "title": "清洁骑楼老街",
        "description": "",
        "venue": "骑楼社区服务中心",
        "address": "",
        "lat": str(VENUE[0]),
        "lon": str(VENUE[1]),
        "online_url": "",
        "starts_at": "2025-06-07T09:00",
        "ends_at": "2025-06-07T11:00",
        "capacity": "10",
        "roles_needed": "治安员 2\n宣传员：3",
        "checkin_radius_m": "150",
        "late_after_minutes": "10",
        "attendance_percent": "60",
    }
    data.update(overrides)
    return data


def test_create_an_activity_from_the_form(client, personas):
    login(client, personas.community_staff_a)
    with at(WEEK_BEFORE):
        assert client.get("/activities/new/").status_code == 200
        response = client.post("/activities/new/", form_data(place=personas.tree.community_a.pk))
    activity = Activity.objects.get()
    assert response["Location"] == f"/activities/{activity.pk}/"
    assert activity.status == "draft"
    assert activity.starts_at == START
    assert activity.roles_needed == [{"role": "治安员", "count": 2}, {"role": "宣传员", "count": 3}]
    assert str(activity.min_attendance_share) == "0.60"
    assert activity.checkin_radius_m == 150


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2025-06-07T08:00"}, "ends_at"),
        ({"roles_needed": "治安员"}, "roles_needed"),
        ({"roles_needed": "治安员 20"}, "roles_needed"),
        ({"attendance_percent": "0"}, "attendance_percent"),
        ({"capacity": ""}, "capacity"),
    ],
)
def test_a_bad_form_shows_the_error_and_creates_nothing(client, personas, overrides, field):
    login(client, personas.community_staff_a)
    with at(WEEK_BEFORE):
        response = client.post(
            "/activities/new/", form_data(place=personas.tree.community_a.pk, **overrides)
        )
    assert response.status_code == 422  # a refused form shown again
    assert field in response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_place_outside_scope_is_not_offered(client, personas):
    login(client, personas.community_staff_a)
    with at(WEEK_BEFORE):
        response = client.post("/activities/new/", form_data(place=personas.tree.community_b.pk))
    assert "place" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_edit_publish_and_cancel_from_the_pages(client, personas):
    activity = make_activity(personas, publish=False)
    sign_up_later = personas.resident_a
    login(client, personas.community_staff_a)
    with at(WEEK_BEFORE):
        page = client.get(f"/activities/{activity.pk}/edit/")
        assert page.context["form"].initial["roles_needed"] == ""
        client.post(
            f"/activities/{activity.pk}/edit/",
            form_data(place=personas.tree.community_a.pk, title="新标题", roles_needed=""),
        )
        client.post(f"/activities/{activity.pk}/publish/")
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("新标题", "published")
    sign_up(activity, sign_up_later)
    with at(WEEK_BEFORE):
        confirm = client.get(f"/activities/{activity.pk}/cancel/").content.decode()
        assert 'id="cancel-form"' in confirm
        refused = client.post(f"/activities/{activity.pk}/cancel/", {"reason": ""})
        assert refused.status_code == 422
        activity.refresh_from_db()
        assert activity.status == "published"
        client.post(f"/activities/{activity.pk}/cancel/", {"reason": "台风预警"})
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason) == ("cancelled", "台风预警")
    login(client, personas.resident_a)
    body = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'id="cancelled-notice"' in body and "台风预警" in body


def test_a_cancelled_activity_cannot_be_edited(client, personas):
    activity = make_activity(personas)
    with at(WEEK_BEFORE):
        from meihao.activities.services import activity_cancel

        activity_cancel(actor=personas.community_staff_a, activity=activity, reason="雨")
    login(client, personas.community_staff_a)
    assert client.get(f"/activities/{activity.pk}/edit/").status_code == 404


def test_signups_page_lists_confirmed_and_the_waiting_list_in_order(client, personas):
    activity = make_activity(personas, capacity=1)
    sign_up(activity, personas.resident_a, personas.resident_b, personas.volunteer_a)
    login(client, personas.street_chief_a)
    with at(WEEK_BEFORE):
        response = client.get(f"/activities/{activity.pk}/signups/")
    assert [s.person.real_name for s in response.context["confirmed"]] == ["居民甲"]
    assert [s.person.real_name for s in response.context["waitlisted"]] == ["居民乙", "志愿者甲"]
    first = SignUp.objects.get(person=personas.resident_a.person)
    with at(WEEK_BEFORE):
        client.post(f"/activities/{activity.pk}/signups/{first.pk}/cancel/")
    assert SignUp.objects.get(person=personas.resident_b.person).status == "confirmed"


def test_attendance_page_staff_check_in_and_out(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a, personas.resident_b)
    signup = SignUp.objects.get(person=personas.resident_a.person)
    login(client, personas.community_staff_a)
    with at(START + minutes(20)):
        client.post(f"/activities/{activity.pk}/attendance/{signup.pk}/checkin/")
        response = client.get(f"/activities/{activity.pk}/attendance/")
    assert response.context["counts"] == {
        "present": 1,
        "checked_out": 0,
        "absent": 0,
        "expected": 1,
    }
    assert response.context["late"] == 1
    with at(START + minutes(60)):
        client.post(f"/activities/{activity.pk}/attendance/{signup.pk}/checkout/")
    attendance = Attendance.objects.get()
    assert (attendance.check_in_method, attendance.check_out_method) == ("staff", "organiser")
    assert attendance.credited_minutes == 40


def test_the_qr_screen_shows_the_current_code_as_svg(client, personas):
    activity = make_activity(personas)
    login(client, personas.community_staff_a)
    with at(START):
        response = client.get(f"/activities/{activity.pk}/qr/")
        rotation = qr.current_rotation(activity.pk)
    body = response.content.decode()
    url = f"http://testserver/activities/checkin/{rotation.token}/"
    expected = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
    assert expected in body
    assert rotation.code in body
    assert 'hx-trigger="every 10s"' in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_qr_fragment_rotates(client, personas):
    activity = make_activity(personas)
    login(client, personas.community_staff_a)
    with at(START):
        first = client.get(f"/activities/{activity.pk}/qr/code/").content.decode()
    with at(START + minutes(1)):
        later = client.get(f"/activities/{activity.pk}/qr/code/").content.decode()
    assert qr.make_code(activity.pk, now=START) in first
    assert qr.make_code(activity.pk, now=START + minutes(1)) in later
    assert "<html" not in later


def test_the_qr_screen_is_closed_outside_the_check_in_window(client, personas):
    activity = make_activity(personas)
    login(client, personas.community_staff_a)
    with at(WEEK_BEFORE):
        body = client.get(f"/activities/{activity.pk}/qr/").content.decode()
        fragment = client.get(f"/activities/{activity.pk}/qr/code/").content.decode()
    assert 'id="qr-closed"' in body and "<svg" not in body
    assert 'id="qr-closed"' in fragment


def test_finish_asks_first_then_finishes(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a, personas.resident_b)
    with at(START):
        from meihao.activities.attendance import checkin_by_code

        checkin_by_code(
            actor=personas.volunteer_a, activity=activity, code=qr.make_code(activity.pk)
        )
    login(client, personas.community_staff_a)
    with at(END):
        confirm = client.get(f"/activities/{activity.pk}/finish/")
        assert (confirm.context["still_in"], confirm.context["not_in"]) == (1, 1)
        assert Activity.objects.get().status == "published"
        client.post(f"/activities/{activity.pk}/finish/")
    assert Activity.objects.get().status == "finished"
    assert ServiceRecord.objects.get().person == personas.volunteer_a.person


def read_export(response) -> list[tuple]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def finished_activity(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a, personas.resident_b)
    with at(START + minutes(20)):
        from meihao.activities.attendance import activity_finish, checkin_by_code

        checkin_by_code(
            actor=personas.volunteer_a, activity=activity, code=qr.make_code(activity.pk)
        )
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    return activity


def test_export_in_chinese(client, personas):
    activity = finished_activity(personas)
    login(client, personas.community_staff_a)
    rows = read_export(client.get(f"/activities/{activity.pk}/attendance.xlsx"))
    assert rows[0][0] == "清洁骑楼老街"
    assert rows[2][:5] == ("姓名", "手机号", "岗位", "报名时间", "出勤情况")
    volunteer, absent = rows[3], rows[4]
    assert volunteer[0] == "志愿者甲" and volunteer[1] == "138****0050"
    assert volunteer[4] == "已签退（迟到）"
    assert volunteer[5] == "2025-06-07 09:20" and volunteer[9] == "2025-06-07 11:00"
    assert volunteer[10] == 100
    assert absent[0] == "居民乙" and absent[4] == "缺勤"


def test_export_in_english(client, personas):
    activity = finished_activity(personas)
    login(client, personas.community_staff_a)
    client.cookies["django_language"] = "en"
    rows = read_export(client.get(f"/activities/{activity.pk}/attendance.xlsx"))
    assert rows[2][:5] == ("Name", "Mobile number", "Role", "Signed up at", "Attendance")
    assert rows[4][4] == "Absent"


def test_export_of_an_activity_without_signups_has_just_the_header(client, personas):
    activity = make_activity(personas)
    login(client, personas.community_staff_a)
    rows = read_export(client.get(f"/activities/{activity.pk}/attendance.xlsx"))
    assert len(rows) == 3


# --- service records --------------------------------------------------------------------------


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(out, "PNG")
    return SimpleUploadedFile("sheet.png", out.getvalue(), content_type="image/png")


def record_data(personas, **overrides) -> dict:
    data = {
        "phone": "13800000050",
        "service_date": "2025-06-07",
        "place": personas.tree.community_a.pk,
        "activity": "",
        "content": "为独居老人送餐",
        "hours": "1.5",
        "recording_organisation": "骑楼社区居委会",
        "person_in_charge": "社区干部甲",
        "evidence": png(),
    }
    data.update(overrides)
    return data


def test_staff_enter_a_record_with_evidence_and_reverse_it(client, personas):
    login(client, personas.community_staff_a)
    with at(END):
        form = client.get("/activities/records/new/")
        assert form.context["form"].initial["person_in_charge"] == "社区干部甲"
        response = client.post("/activities/records/new/", record_data(personas))
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.person, record.minutes, record.source) == (
        personas.volunteer_a.person,
        90,
        "staff_entry",
    )
    evidence = client.get(f"/activities/records/{record.pk}/evidence/")
    assert evidence["Content-Type"] == "image/jpeg"
    assert b"".join(evidence.streaming_content)[:3] == b"\xff\xd8\xff"
    listing = client.get("/activities/records/").content.decode()
    assert f"/activities/records/{record.pk}/reverse/" in listing
    refused = client.post(f"/activities/records/{record.pk}/reverse/", {"reason": ""})
    assert refused.status_code == 422 and ServiceRecord.objects.count() == 1
    client.post(f"/activities/records/{record.pk}/reverse/", {"reason": "重复录入"})
    assert ServiceRecord.objects.filter(reverses=record, minutes=-90).exists()
    again = client.post(f"/activities/records/{record.pk}/reverse/", {"reason": "再次"})
    assert again.status_code == 422
    assert again.context["form"].non_field_errors()
    assert ServiceRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "13900009999"}, "phone"),
        ({"evidence": ""}, "evidence"),
        ({"evidence": SimpleUploadedFile("a.txt", b"hello", "text/plain")}, "evidence"),
        ({"hours": "0"}, "hours"),
        ({"service_date": "2025-06-30"}, "service_date"),
    ],
)
def test_bad_staff_entries_show_the_error_and_record_nothing(client, personas, overrides, field):
    login(client, personas.community_staff_a)
    with at(END):
        response = client.post("/activities/records/new/", record_data(personas, **overrides))
    assert response.status_code == 422  # a refused form shown again
    assert field in response.context["form"].errors
    assert not ServiceRecord.objects.exists()


def test_records_list_is_empty_at_first(client, personas):
    login(client, personas.district_admin)
    assert 'id="records-empty"' in client.get("/activities/records/").content.decode()


def test_organise_lists_activities_of_the_scope_with_a_status_filter(client, personas):
    mine = make_activity(personas, title="骑楼")
    draft = make_activity(personas, publish=False, title="草稿")
    other = make_activity(
        personas, actor=personas.district_admin, place=personas.tree.community_b, title="河东"
    )
    login(client, personas.community_staff_a)
    body = client.get("/activities/organise/").content.decode()
    assert f"/activities/{mine.pk}/" in body and f"/activities/{draft.pk}/" in body
    assert f"/activities/{other.pk}/" not in body
    drafts = client.get("/activities/organise/?status=draft").content.decode()
    assert f"/activities/{mine.pk}/" not in drafts and f"/activities/{draft.pk}/" in drafts


# --- query counts do not grow with the lists --------------------------------------------------


def queries_for(client, url, when=WEEK_BEFORE) -> int:
    with at(when), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def residents(personas, n, start=0):
    from meihao.core.testing import make_user

    return [
        make_user(f"1370000{start + i:04d}", f"居民{start + i}", home=personas.tree.grid_a1)
        for i in range(n)
    ]


def test_organise_list_query_count(client, personas):
    client.force_login(personas.community_staff_a)
    make_activity(personas)
    few = queries_for(client, "/activities/organise/")
    for _ in range(6):
        make_activity(personas)
    assert queries_for(client, "/activities/organise/") == few


def test_my_activities_query_count(client, personas):
    client.force_login(personas.volunteer_a)
    sign_up(make_activity(personas), personas.volunteer_a)
    few = queries_for(client, "/activities/mine/")
    for _ in range(6):
        sign_up(make_activity(personas), personas.volunteer_a)
    assert queries_for(client, "/activities/mine/") == few


@pytest.mark.parametrize("page", ["signups", "attendance"])
def test_signup_and_attendance_lists_query_count(client, personas, page):
    activity = make_activity(personas, capacity=3)
    client.force_login(personas.community_staff_a)
    sign_up(activity, *residents(personas, 2))
    url = f"/activities/{activity.pk}/{page}/"
    few = queries_for(client, url, when=START)
    people = residents(personas, 6, start=10)
    sign_up(activity, *people)
    from meihao.activities.attendance import checkin_by_staff

    with at(START):
        for signup in SignUp.objects.filter(activity=activity, status="confirmed"):
            checkin_by_staff(actor=personas.community_staff_a, signup=signup)
    assert queries_for(client, url, when=START) == few


def test_records_list_query_count(client, personas):
    from meihao.activities.records import service_record_enter_by_staff

    def enter(n):
        with at(END):
            for _ in range(n):
                service_record_enter_by_staff(
                    actor=personas.community_staff_a,
                    person=personas.volunteer_a.person,
                    service_date=START.date(),
                    place=personas.tree.community_a,
                    content="送餐",
                    minutes=30,
                    recording_organisation="骑楼社区居委会",
                    person_in_charge="社区干部甲",
                    evidence=png(),
                )

    client.force_login(personas.community_staff_a)
    enter(1)
    few = queries_for(client, "/activities/records/", when=END)
    enter(6)
    assert queries_for(client, "/activities/records/", when=END) == few


def test_the_form_offers_the_registered_venues_of_the_scope(client, personas):
    from meihao.places.models import Venue

    tree = personas.tree
    Venue.objects.create(
        name="骑楼活动室",
        kind="activity_room",
        place=tree.community_a,
        place_path=tree.community_a.path,
        lat=VENUE[0],
        lon=VENUE[1],
    )
    Venue.objects.create(
        name="河东广场", kind="square", place=tree.community_b, place_path=tree.community_b.path
    )
    login(client, personas.community_staff_a)
    body = client.get("/activities/new/").content.decode()
    assert 'data-name="骑楼活动室"' in body and f'data-lat="{VENUE[0]}"' in body
    assert "河东广场" not in body


# --- refusals of the one-button actions (answered by core.middleware) --------------------------


def _state() -> tuple:
    return (
        list(Activity.objects.values_list("pk", "status")),
        list(SignUp.objects.values_list("pk", "status")),
        list(Attendance.objects.values_list("pk", "checked_out_at")),
        ServiceRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def _checked_in(personas):
    """Resident A checked in at the start of an activity that community staff A then called off."""
    from meihao.activities.attendance import checkin_by_code
    from meihao.activities.services import activity_cancel

    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_a)
    with at(START):
        checkin_by_code(
            actor=personas.resident_a, activity=activity, code=qr.make_code(activity.pk)
        )
    with at(START + minutes(10)):
        activity_cancel(actor=personas.community_staff_a, activity=activity, reason="暴雨")
    return activity, signup


def _publish_twice(personas):
    activity = make_activity(personas)
    page = f"/activities/{activity.pk}/"
    return personas.community_staff_a, page, page, WEEK_BEFORE


def _remove_who_checked_in(personas):
    from meihao.activities.attendance import checkin_by_code

    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_a)
    with at(START):
        checkin_by_code(
            actor=personas.resident_a, activity=activity, code=qr.make_code(activity.pk)
        )
    page = f"/activities/{activity.pk}/signups/"
    return personas.community_staff_a, f"{page}{signup.pk}/cancel/", page, START


def _check_in_the_waiting_list(personas):
    activity = make_activity(personas, capacity=1)
    _, waiting = sign_up(activity, personas.resident_b, personas.resident_a)
    page = f"/activities/{activity.pk}/attendance/"
    return personas.community_staff_a, f"{page}{waiting.pk}/checkin/", page, START


def _staff_check_out_when_called_off(personas):
    activity, signup = _checked_in(personas)
    page = f"/activities/{activity.pk}/attendance/"
    return personas.community_staff_a, f"{page}{signup.pk}/checkout/", page, START + minutes(20)


def _finish_before_start(personas):
    activity = make_activity(personas)
    page = f"/activities/{activity.pk}/finish/"
    return personas.community_staff_a, page, page, WEEK_BEFORE


def _cancel_after_start(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    page = f"/activities/{activity.pk}/"
    return personas.resident_a, f"{page}signup/cancel/", page, START


def _check_out_when_called_off(personas):
    activity, _signup = _checked_in(personas)
    page = f"/activities/{activity.pk}/"
    return personas.resident_a, f"{page}checkout/", page, START + minutes(20)


def _check_in_signed_up(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    page = f"/activities/{activity.pk}/"
    return personas.resident_a, page, page, START


FAR = {"lat": str(VENUE[0] + 0.0111), "lon": str(VENUE[1])}  # 1235 m north of the venue
REFUSED_ACTIONS = {
    # action: (setup → (user, where it posts to + the step, the page), data, status, message)
    "publish": (_publish_twice, "publish/", {}, 409, "只有草稿才能发布。"),
    "signup_remove": (_remove_who_checked_in, "", {}, 409, "此人已经签到。"),
    "staff_checkin": (_check_in_the_waiting_list, "", {}, 409, "只有报名成功的人员才能签到。"),
    "staff_checkout": (_staff_check_out_when_called_off, "", {}, 409, "这个活动已不再开放。"),
    "finish": (_finish_before_start, "", {}, 409, "活动还没有开始；如不举办请取消活动。"),
    "signup_cancel": (_cancel_after_start, "", {}, 409, "活动已经开始；如需离开请告知组织者。"),
    "checkout": (_check_out_when_called_off, "", {}, 409, "这个活动已不再开放。"),
    "checkin_code": (
        _check_in_signed_up,
        "checkin/code/",
        {"code": "WRONG2"},
        400,
        "签到码错误或已过期。请输入屏幕上当前显示的签到码。",
    ),
    "checkin_location": (
        _check_in_signed_up,
        "checkin/location/",
        FAR,
        400,
        "您距离活动地点 1235 米，需在 200 米内才能签到。请走近一些或扫描二维码。",
    ),
}


@pytest.mark.parametrize("action", list(REFUSED_ACTIONS))
def test_a_refused_action_says_why_where_it_was_posted_and_changes_nothing(
    client, personas, action
):
    """The refusal is neither swallowed (a success message, a change) nor a 500: its status and
    message without `next`, the message back on the page with it."""
    setup, step, data, status, message = REFUSED_ACTIONS[action]
    user, url, page, moment = setup(personas)
    login(client, user)
    before = _state()
    with at(moment):
        assert_refused_back(client, url + step, data, page=page, status=status, message=message)
    assert _state() == before


def test_the_one_button_forms_come_back_to_their_page(client, personas):
    """Every POST form of the activity page, attendance, sign-ups and finish pages posts
    `next`, so a refusal is said on the page the button was on."""
    activity = make_activity(personas)
    draft = make_activity(personas, publish=False)
    sign_up(activity, personas.resident_a, personas.resident_b)
    detail, draft_detail = f"/activities/{activity.pk}/", f"/activities/{draft.pk}/"
    pages = [
        (personas.resident_a, START, detail, 'action="/activities/'),  # check in, cancel
        (personas.community_staff_a, WEEK_BEFORE, draft_detail, "/publish/"),
        (personas.community_staff_a, START, f"{detail}attendance/", "/checkin/"),
        (personas.community_staff_a, WEEK_BEFORE, f"{detail}signups/", "/cancel/"),
        (personas.community_staff_a, START, f"{detail}finish/", 'id="finish-form"'),
    ]
    for user, moment, page, form in pages:
        login(client, user)
        with at(moment):
            html = client.get(page).content.decode()
        assert form in html, page
        assert forms_not_coming_back(html, page) == [], page
