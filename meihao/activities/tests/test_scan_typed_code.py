"""The scanner page without a camera: the participant types the 6-character code shown under
the QR code on the organiser's screen, and the code itself says which open activity it is."""

import datetime

import pytest

from meihao.activities import qr
from meihao.activities.attendance import checkin_by_typed_code
from meihao.activities.models import Attendance
from meihao.activities.tests.helpers import END, START, at, make_activity, minutes, sign_up
from meihao.core.errors import DomainError

pytestmark = pytest.mark.django_db


def seconds(n: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=n)


@pytest.fixture
def activity(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    return activity


@pytest.fixture
def other(personas):
    """Another activity open for check-in at the same time, in community B."""
    return make_activity(
        personas, title="河东义诊", place=personas.tree.community_b, actor=personas.district_admin
    )


def test_the_scanner_page_carries_the_code_form(client, personas):
    client.force_login(personas.volunteer_a)
    html = client.get("/activities/scan/").content.decode()
    form = html.split('id="scan-code-form"', 1)[1].split("</form>", 1)[0]
    assert 'action="/activities/scan/code/"' in html and 'name="code"' in form
    assert 'for="scan-code"' in form and "data-show" not in form
    assert 'id="scan-type-instead"' in html and "/static/activities/scan.js" in html


def test_the_typed_code_checks_in_to_its_activity(client, personas, activity, other):
    client.force_login(personas.volunteer_a)
    code = qr.current_rotation(activity.pk, now=START).code
    with at(START + seconds(5)):
        response = client.post(
            "/activities/scan/code/", {"code": f" {code[:3].lower()} {code[3:]}"}
        )
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    attendance = Attendance.objects.get()
    assert attendance.signup.activity == activity
    assert attendance.signup.person == personas.volunteer_a.person
    assert attendance.check_in_method == Attendance.CheckInMethod.QR


def test_the_code_of_the_other_activity_checks_in_there(personas, activity, other):
    with at(START):
        result = checkin_by_typed_code(actor=personas.resident_a, code=qr.make_code(other.pk))
    assert result.attendance.signup.activity == other  # a walk-in, signed up on the spot


def test_the_previous_windows_code_is_still_accepted(personas, activity):
    code = qr.make_code(activity.pk, now=START)
    with at(START + seconds(29)):
        result = checkin_by_typed_code(actor=personas.volunteer_a, code=code)
    assert result.created


def test_an_expired_code_is_refused_and_the_page_says_so(client, personas, activity):
    client.force_login(personas.volunteer_a)
    code = qr.make_code(activity.pk, now=START)
    with at(START + seconds(30)):
        response = client.post("/activities/scan/code/", {"code": code})
    html = response.content.decode()
    assert response.status_code == 400
    assert "签到码错误或已过期。" in html
    assert 'id="scan-code-error"' in html and "data-show" in html and f'value="{code}"' in html
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("typed", ["ABCDEF", "2345", "<b>x</b>", "码" * 40])
def test_a_wrong_code_is_refused(client, personas, activity, typed):
    client.force_login(personas.volunteer_a)
    with at(START):
        response = client.post("/activities/scan/code/", {"code": typed})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="scan-code-error"' in html
    assert "<b>x</b>" not in html
    assert not Attendance.objects.exists()


def test_an_empty_code_is_refused(client, personas, activity):
    client.force_login(personas.volunteer_a)
    with at(START):
        response = client.post("/activities/scan/code/", {"code": "  "})
    assert response.status_code == 400 and not Attendance.objects.exists()


def test_no_activity_open_now_refuses_every_code(personas, activity):
    code = qr.make_code(activity.pk, now=START - minutes(31))
    with at(START - minutes(31)), pytest.raises(DomainError) as error:
        checkin_by_typed_code(actor=personas.volunteer_a, code=code)
    assert error.value.code == "invalid_code"
    with at(END), pytest.raises(DomainError):
        checkin_by_typed_code(actor=personas.volunteer_a, code=qr.make_code(activity.pk))
    assert not Attendance.objects.exists()


def test_a_full_activity_refuses_a_walk_in_with_409(client, personas, activity):
    sign_up(activity, personas.resident_a, personas.resident_b)  # capacity 3: full
    client.force_login(personas.party_member_a)
    with at(START):
        response = client.post("/activities/scan/code/", {"code": qr.make_code(activity.pk)})
    assert response.status_code == 409 and 'id="scan-code-error"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_only_post_and_only_logged_in(client, personas):
    assert client.get("/activities/scan/code/").status_code in (302, 404, 405)
    client.force_login(personas.volunteer_a)
    assert client.get("/activities/scan/code/").status_code == 405
