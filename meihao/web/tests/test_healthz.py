import json
import time
from unittest import mock

import pytest
from django.db import OperationalError, connections
from huey.contrib.djhuey import HUEY

from meihao.web import tasks


@pytest.fixture
def no_heartbeat():
    HUEY.get(tasks.HEARTBEAT_KEY)  # a non-peek get removes the value
    yield
    HUEY.get(tasks.HEARTBEAT_KEY)


def test_healthz_is_public_json(client, db, no_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["database"]["ok"] is True
    assert body["database"]["ms"] >= 0
    assert body["worker"] == {"ok": False, "last_seen": None}
    assert body["status"] == "degraded"


def test_healthz_ok_after_the_worker_heartbeat(client, db, no_heartbeat):
    tasks.heartbeat()  # HUEY_IMMEDIATE in tests: runs now, writes into Huey's storage
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"]["ok"] is True
    assert body["worker"]["last_seen"]


def test_healthz_degraded_when_the_heartbeat_is_stale(client, db, no_heartbeat):
    HUEY.put(tasks.HEARTBEAT_KEY, time.time() - 3600)
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is False
    assert body["status"] == "degraded"


def test_healthz_503_when_the_database_is_down(client, db, no_heartbeat):
    tasks.heartbeat()
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("unreachable")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["status"] == "degraded"


def test_heartbeat_reads_do_not_consume_the_value(db, no_heartbeat):
    tasks.write_heartbeat()
    assert tasks.last_heartbeat() is not None
    assert tasks.last_heartbeat() is not None


def test_heartbeat_is_a_periodic_task():
    assert tasks.heartbeat.task_class in HUEY._registry._periodic_tasks


OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def test_healthz_tells_an_outside_caller_only_the_verdict(client, db, no_heartbeat):
    tasks.heartbeat()
    response = client.get("/healthz", **OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_tells_an_outside_caller_the_failing_verdict_with_503(client, db, no_heartbeat):
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("unreachable")
    ):
        response = client.get("/healthz", **OUTSIDE)
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


def test_healthz_treats_a_request_forwarded_by_a_local_proxy_as_outside(client, db):
    response = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert set(response.json()) == {"status"}


def test_healthz_hides_the_details_from_a_resident(client, personas):
    client.force_login(personas.resident_a)
    assert set(client.get("/healthz", **OUTSIDE).json()) == {"status"}


@pytest.mark.parametrize("who", ["district_admin", "django_staff"])
def test_healthz_shows_staff_the_details(client, personas, who):
    user = personas.district_admin
    if who == "django_staff":
        user = personas.outsider
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client.force_login(user)
    body = client.get("/healthz", **OUTSIDE).json()
    assert body["database"]["ok"] is True
    assert "worker" in body


def test_healthz_shows_a_probe_on_this_machine_the_details(client, db):
    body = client.get("/healthz", REMOTE_ADDR="::1").json()
    assert body["database"]["ok"] is True
