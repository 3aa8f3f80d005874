"""Settings come from the environment and fail loudly on a bad value."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "settings-test-secret-key-0123456789abcdefghij"


def _start(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG, settings.TIME_ZONE, "
            "settings.LANGUAGE_CODE, settings.HUEY['huey_class'])",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "meihao.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_defaults_are_sqlite_shanghai_chinese_and_debug_off(tmp_path):
    result = _start(SECRET_KEY=GOOD_KEY, MEIHAO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "False",
        "Asia/Shanghai",
        "zh-hans",
        "meihao.core.queue.SqliteHuey",
    ]


def test_redis_url_switches_the_job_queue(tmp_path):
    result = _start(
        SECRET_KEY=GOOD_KEY, MEIHAO_VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "huey.RedisHuey"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"SECRET_KEY": GOOD_KEY, "REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"SECRET_KEY": GOOD_KEY, "HUEY_WORKERS": "two"}, "HUEY_WORKERS='two' is not an integer"),
        ({"SECRET_KEY": GOOD_KEY, "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
        ({"SECRET_KEY": GOOD_KEY, "SMS_HTTP_URL": "sms.example.cn"}, "SMS_HTTP_URL"),
        (
            {"SECRET_KEY": GOOD_KEY, "SMS_BACKEND": "meihao.accounts.sms.HttpSmsBackend"},
            "set SMS_HTTP_URL",
        ),
        ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE"),
    ],
)
def test_bad_environment_stops_the_start_with_a_message(tmp_path, env, complaint):
    result = _start(MEIHAO_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(GOOD_KEY + "\n")
    result = _start(SECRET_KEY_FILE=str(key_file), MEIHAO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_api_docs_load_swagger_from_our_own_static_files(client, personas):
    client.force_login(personas.district_admin)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Meihao API"


def test_the_generated_key_file_under_var_is_used_when_no_key_is_set(tmp_path):
    (tmp_path / "secret_key").write_text(GOOD_KEY + "\n")
    result = _start(MEIHAO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


_HEADERS = (
    "import django; django.setup(); from django.test.utils import setup_test_environment; "
    "setup_test_environment(); from django.test import Client; "
    "plain = Client().get('/accounts/login/'); "
    "tls = Client().get('/accounts/login/', headers={'x-forwarded-proto': 'https'}); "
    "print(plain.status_code, plain.get('Location')); "
    "print(tls.status_code, tls.get('Strict-Transport-Security')); "
    "print(tls.get('Referrer-Policy'), tls.get('Cross-Origin-Opener-Policy')); "
    "print(tls.cookies['csrftoken']['secure'] or False)"
)


def _headers(tmp_path, **env) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS"}}
    result = subprocess.run(
        [sys.executable, "-c", _HEADERS],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "meihao.settings",
            "SECRET_KEY": GOOD_KEY,
            "MEIHAO_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_over_https_plain_http_is_redirected_and_browsers_are_told_to_stay(tmp_path):
    plain, tls, policies, secure_cookie = _headers(tmp_path, HTTPS="true")
    assert plain == "301 https://testserver/accounts/login/"
    assert tls == "200 max-age=31536000; includeSubDomains"
    assert policies == "same-origin same-origin"
    assert secure_cookie == "True"


def test_hsts_is_configurable(tmp_path):
    _, tls, _, _ = _headers(
        tmp_path, HTTPS="true", SECURE_HSTS_SECONDS="300", SECURE_HSTS_INCLUDE_SUBDOMAINS="false"
    )
    assert tls == "200 max-age=300"


def test_without_https_no_redirect_and_no_hsts_but_the_same_policies(tmp_path):
    plain, tls, policies, secure_cookie = _headers(tmp_path)
    assert plain == "200 None"
    assert tls == "200 None"
    assert policies == "same-origin same-origin"
    assert secure_cookie == "False"
