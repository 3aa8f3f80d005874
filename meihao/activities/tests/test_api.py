"""The activities API: list, detail, sign-up, cancel, check-in (token, code, location), out."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.activities import qr
from meihao.activities.models import Attendance, SignUp
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

pytestmark = pytest.mark.django_db
API = "/api/v1/activities"


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_list_with_kind_location_and_paging(client, personas):
    far = make_activity(personas, lat=23.41, lon=111.31)
    near = make_activity(
        personas, kind="lecture", starts_at=START + minutes(30), ends_at=END + minutes(30)
    )
    client.force_login(personas.resident_a)
    with at(WEEK_BEFORE):
        plain = client.get(API).json()
        nearby = client.get(f"{API}?lat={VENUE[0]}&lon={VENUE[1]}").json()
        lectures = client.get(f"{API}?kind=lecture").json()
        second = client.get(f"{API}?limit=1&offset=1").json()
    assert [item["id"] for item in plain["items"]] == [far.pk, near.pk]
    assert plain["items"][0]["distance_m"] is None
    assert [(i["id"], i["distance_m"]) for i in nearby["items"]] == [(near.pk, 0), (far.pk, 10714)]
    assert [item["id"] for item in lectures["items"]] == [near.pk]
    assert (second["count"], [i["id"] for i in second["items"]]) == (2, [near.pk])
    assert plain["items"][0]["kind_label"] == "志愿服务"


@pytest.mark.parametrize(
    ("query", "code", "status"),
    [
        ("kind=picnic", "validation_failed", 400),
        ("lat=91&lon=111", "invalid_point", 400),
        ("lat=23", "invalid_point", 400),
        ("limit=0", "invalid_input", 422),
    ],
)
def test_bad_list_parameters(client, personas, query, code, status):
    client.force_login(personas.resident_a)
    response = client.get(f"{API}?{query}")
    assert response.status_code == status
    assert response.json()["code"] == code


def test_list_query_count_does_not_grow(client, personas):
    client.force_login(personas.resident_a)

    def count():
        with at(WEEK_BEFORE), CaptureQueriesContext(connection) as queries:
            assert client.get(API).status_code == 200
        return len(queries)

    make_activity(personas)
    few = count()
    for _ in range(6):
        make_activity(personas)
    assert count() == few


def test_detail_has_my_signup_attendance_and_abilities(client, personas):
    activity = make_activity(personas, roles_needed=[{"role": "治安员", "count": 1}])
    sign_up(activity, personas.resident_a, role="治安员")
    client.force_login(personas.resident_a)
    with at(START):
        post(client, f"{API}/{activity.pk}/checkin", {"code": qr.make_code(activity.pk)})
        body = client.get(f"{API}/{activity.pk}").json()
    assert body["my_signup"]["role"] == "治安员" and body["my_signup"]["status"] == "confirmed"
    assert body["my_attendance"]["check_in_method"] == "qr"
    assert body["abilities"]["check_out"] and not body["abilities"]["organise"]
    assert body["confirmed"] == 1
    assert body["roles_needed"] == [{"role": "治安员", "count": 1}]


def test_sign_up_waitlist_and_cancel(client, personas):
    activity = make_activity(personas, capacity=1)
    with at(WEEK_BEFORE):
        client.force_login(personas.resident_a)
        first = post(client, f"{API}/{activity.pk}/signup")
        again = post(client, f"{API}/{activity.pk}/signup")
        client.force_login(personas.resident_b)
        second = post(client, f"{API}/{activity.pk}/signup")
        client.force_login(personas.resident_a)
        cancelled = client.delete(f"{API}/{activity.pk}/signup")
        nothing = client.delete(f"{API}/{activity.pk}/signup")
    assert (first.status_code, first.json()["status"]) == (201, "confirmed")
    assert again.json()["id"] == first.json()["id"]
    assert (second.status_code, second.json()["status"]) == (201, "waitlisted")
    assert cancelled.json()["status"] == "cancelled"
    assert nothing.status_code == 404
    assert SignUp.objects.get(person=personas.resident_b.person).status == "confirmed"


def test_sign_up_for_an_ended_activity_is_a_conflict(client, personas):
    activity = make_activity(personas)
    client.force_login(personas.resident_a)
    with at(END):
        response = post(client, f"{API}/{activity.pk}/signup")
    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")
    assert not SignUp.objects.exists()


def test_check_in_with_the_token_then_again(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    client.force_login(personas.resident_a)
    with at(START + minutes(16)):
        token = qr.make_token(activity.pk)
        first = post(client, f"{API}/{activity.pk}/checkin", {"token": token})
        again = post(client, f"{API}/{activity.pk}/checkin", {"token": token})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["late"] is True
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"token": "expired"}, 400, "expired_token"),
        ({"token": "forged"}, 400, "invalid_token"),
        ({"token": "other"}, 400, "other_activity_token"),
        ({"code": "AAAAAA"}, 400, "invalid_code"),
        ({"lat": VENUE[0] + 0.01, "lon": VENUE[1]}, 400, "outside_geofence"),
        ({}, 400, "location_required"),
        ({"lat": 100, "lon": 1}, 400, "invalid_point"),
    ],
)
def test_check_in_refusals(client, personas, body, status, code):
    activity = make_activity(personas)
    other = make_activity(personas)
    sign_up(activity, personas.resident_a)
    tokens = {
        "expired": qr.make_token(activity.pk, now=START - datetime.timedelta(seconds=31)),
        "forged": qr.make_token(activity.pk, now=START)[:-2] + "xx",
        "other": qr.make_token(other.pk, now=START),
    }
    if "token" in body:
        body = {"token": tokens[body["token"]]}
    client.force_login(personas.resident_a)
    with at(START):
        response = post(client, f"{API}/{activity.pk}/checkin", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Attendance.objects.exists()


def test_check_in_by_location_and_before_the_window(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    client.force_login(personas.resident_a)
    point = {"lat": VENUE[0] + 0.001, "lon": VENUE[1]}
    with at(START - minutes(31)):
        early = post(client, f"{API}/{activity.pk}/checkin", point)
    with at(START):
        inside = post(client, f"{API}/{activity.pk}/checkin", point)
    assert (early.status_code, early.json()["code"]) == (409, "illegal_transition")
    assert inside.status_code == 201
    assert inside.json()["check_in_distance_m"] == 111


def test_check_out_credits_minutes(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    client.force_login(personas.resident_a)
    with at(START - minutes(15)):
        post(client, f"{API}/{activity.pk}/checkin", {"code": qr.make_code(activity.pk)})
    with at(START + minutes(45)):
        response = post(client, f"{API}/{activity.pk}/checkout")
    assert response.status_code == 200
    assert response.json()["credited_minutes"] == 45


def test_check_out_without_check_in_is_404(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    client.force_login(personas.resident_a)
    with at(START):
        response = post(client, f"{API}/{activity.pk}/checkout")
    assert response.status_code == 404
