"""Typed check-in codes are rate-limited per user (RATE_LIMITS["checkin_code"]), on the page and
in the API alike, so that a code cannot be found by trying."""

import pytest

from meihao.activities import qr
from meihao.activities.models import Attendance
from meihao.activities.tests.helpers import START, at, make_activity, sign_up

pytestmark = pytest.mark.django_db
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "checkin_code": (LIMIT, 600)}


@pytest.mark.parametrize("where", ["page", "scanner", "api"])
def test_typing_codes_beyond_the_limit_answers_429_and_checks_nobody_in(client, personas, where):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    client.force_login(personas.resident_a)

    def attempt(code):
        if where == "page":
            return client.post(f"/activities/{activity.pk}/checkin/code/", {"code": code})
        if where == "scanner":  # the scanner page's form, for a browser without a camera
            return client.post("/activities/scan/code/", {"code": code})
        return client.post(
            f"/api/v1/activities/{activity.pk}/checkin",
            {"code": code},
            content_type="application/json",
        )

    with at(START):
        for guess in range(LIMIT):
            assert attempt(f"WRONG{guess}").status_code != 429
        response = attempt(qr.make_code(activity.pk))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    if where == "api":
        assert response.json()["code"] == "throttled"
    else:
        assert "尝试次数过多" in response.content.decode()
    assert not Attendance.objects.exists()
