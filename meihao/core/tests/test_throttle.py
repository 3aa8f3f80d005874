"""The kit's rate limits (core.throttle), the API's limit, and the log-in lockout (axes)."""

import datetime
import subprocess
import sys

import pytest
import time_machine
from django.test import RequestFactory

from meihao.core import throttle
from meihao.core.testing import PASSWORD
from meihao.core.tests.test_settings import GOOD_KEY, ROOT, _start
from meihao.people.services import api_token_create

MOMENT = datetime.datetime(2025, 3, 3, 10, 0, 30, tzinfo=datetime.UTC)


def _request(**meta):
    request = RequestFactory().post("/", **meta)
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    return request


def test_the_window_counts_attempts_then_refuses_until_it_ends(settings):
    settings.RATE_LIMITS = {"demo": (2, 60)}
    request = _request()
    with time_machine.travel(MOMENT, tick=False) as clock:
        throttle.check("demo", request)
        throttle.check("demo", request)
        with pytest.raises(throttle.RateLimited) as refused:
            throttle.check("demo", request)
        assert refused.value.wait == 30  # the minute's window ends at 10:01:00
        clock.shift(30)
        throttle.check("demo", request)


def test_callers_are_counted_apart(settings):
    settings.RATE_LIMITS = {"demo": (1, 60)}
    with time_machine.travel(MOMENT, tick=False):
        throttle.check("demo", _request(REMOTE_ADDR="203.0.113.1"))
        throttle.check("demo", _request(REMOTE_ADDR="203.0.113.2"))
        with pytest.raises(throttle.RateLimited):
            throttle.check("demo", _request(REMOTE_ADDR="203.0.113.1"))


def test_the_message_says_how_long_to_wait_in_the_users_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert throttle.RateLimited(40).message == "尝试次数过多，请在 40 秒后再试。"
        assert throttle.RateLimited(601).message == "尝试次数过多，请在 11 分钟后再试。"
    with translation.override("en"):
        assert throttle.RateLimited(1).message == "Too many attempts. Please try again in 1 second."


@pytest.mark.parametrize(
    ("proxies", "forwarded", "seen"),
    [
        (0, "198.51.100.7", "10.0.0.1"),  # no trusted proxy: the header is anyone's to forge
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the forged hop before ours is ignored
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, seen):
    settings.TRUSTED_PROXIES = proxies
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert throttle.client_ip(request) == seen


def test_rate_limits_come_from_the_environment(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.RATE_LIMITS['api'], settings.RATE_LIMITS['pass_code'], "
    code += "settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    env = {
        "DJANGO_SETTINGS_MODULE": "meihao.settings",
        "SECRET_KEY": GOOD_KEY,
        "MEIHAO_VAR_DIR": str(tmp_path),
        "RATE_LIMITS": "api=600/m, pass_code=5/10m",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_COOLOFF_MINUTES": "30",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(600, 60) (5, 600) 3 0:30:00"


@pytest.mark.parametrize(
    ("value", "complaint"),
    [("api=fast", "api='fast' is not attempts/period"), ("apis=5/m", "unknown limit 'apis'")],
)
def test_a_bad_rate_limit_stops_the_start(tmp_path, value, complaint):
    result = _start(SECRET_KEY=GOOD_KEY, MEIHAO_VAR_DIR=str(tmp_path), RATE_LIMITS=value)
    assert result.returncode != 0
    assert complaint in result.stderr


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["session", "token"])
def test_the_api_answers_429_throttled_beyond_its_limit(client, settings, personas, how):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (2, 60)}
    headers = {}
    if how == "token":
        headers["HTTP_AUTHORIZATION"] = (
            "Bearer " + api_token_create(actor=personas.resident_a, name="app")[1]
        )
    else:
        client.force_login(personas.resident_a)
    for _ in range(2):
        assert client.get("/api/v1/me", **headers).status_code == 200
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["message"].startswith("尝试次数过多")
    # Another user has their own allowance.
    client.force_login(personas.resident_b)
    assert client.get("/api/v1/me").status_code == 200


# --- the log-in lockout -----------------------------------------------------------------------


def _log_in(client, password, phone="13800000007", **meta):
    return client.post("/accounts/login/", {"username": phone, "password": password}, **meta)


def test_five_failures_lock_the_number_from_that_address(client, personas):
    for _ in range(4):
        assert _log_in(client, "wrong").status_code == 422  # the refused form, shown again
    assert _log_in(client, "wrong").status_code == 429
    # Even the right password is refused now, with the page in Chinese.
    response = _log_in(client, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "尝试次数过多，请在 15 分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same number from elsewhere, and another number from here, still log in.
    assert _log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302
    client.logout()
    assert _log_in(client, PASSWORD, phone="13800000008").status_code == 302


def test_a_number_typed_with_spaces_is_the_same_number_to_lock(client, personas):
    for _ in range(5):
        _log_in(client, "wrong", phone="138 0000 0007")
    assert _log_in(client, PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, personas):
    with time_machine.travel(MOMENT, tick=False) as clock:
        for _ in range(5):
            _log_in(client, "wrong")
        assert _log_in(client, PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=16))
        assert _log_in(client, PASSWORD).status_code == 302


def test_a_success_clears_the_failures(client, personas):
    for _ in range(4):
        _log_in(client, "wrong")
    assert _log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _log_in(client, "wrong")
    assert _log_in(client, PASSWORD).status_code == 302


def test_the_admin_log_in_is_locked_out_too(client, personas):
    for _ in range(5):
        client.post("/admin/login/", {"username": "13800000007", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "13800000007", "password": PASSWORD})
    assert response.status_code == 429
