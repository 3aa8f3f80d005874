"""The offline PWA: manifest, service worker, and the server side of the offline queue (one
case per idempotency key, the phone's original time)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escapejs

from meihao.cases.models import Case, CaseFollower, CasePhoto
from meihao.cases.tests.reporter_helpers import upload

POINT = {"lat": "23.41", "lon": "111.205"}
JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _queued(vending, key, **extra):
    return {
        "category": vending.pk,
        "description": "离线上报：路口摆卖",
        "idempotency_key": key,
        **POINT,
        **extra,
    }


def test_service_worker_is_served_for_the_cases_scope(client):
    response = client.get("/cases/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/cases/"
    body = response.content.decode()
    assert '"/cases/report/"' in body
    assert "/static/cases/report.js" in body and "/static/vendor/leaflet/leaflet.js" in body
    assert 'request.method !== "GET"' in body  # never intercepts the report POST


def test_the_worker_keeps_every_script_and_stylesheet_the_report_page_loads(client, personas):
    client.force_login(personas.resident_a)
    html = client.get("/cases/report/").content.decode()
    loaded = set(re.findall(r'<(?:script src|link rel="stylesheet" href)="(/static/[^"]+)"', html))
    kept = client.get("/cases/sw.js").content.decode()
    assert {"/static/web/meihao.js", "/static/cases/report.js"} <= loaded
    assert [name for name in sorted(loaded) if f'"{escapejs(name)}"' not in kept] == []


def test_manifest_starts_at_the_report_form(client):
    data = client.get("/cases/manifest.webmanifest").json()
    assert data["start_url"] == "/cases/report/"
    assert data["scope"] == "/cases/"
    assert data["display"] == "standalone"
    assert data["icons"]


def test_report_page_registers_the_worker_and_queue_script(client, personas):
    client.force_login(personas.resident_a)
    html = client.get("/cases/report/").content.decode()
    assert 'data-sw-url="/cases/sw.js"' in html
    assert "/static/cases/report.js" in html
    assert 'name="idempotency_key"' in html and 'name="reported_at"' in html
    assert "csrfmiddlewaretoken" in html


def test_resent_offline_report_returns_the_same_case(client, personas, vending):
    client.force_login(personas.resident_a)
    key = "6f1c2e9a-1b7d-4c3e-9f0a-2d4b6c8e0a1b"
    first = client.post(
        "/cases/report/", {**_queued(vending, key), "photos": [upload()]}, headers=JSON
    )
    second = client.post(
        "/cases/report/", {**_queued(vending, key), "photos": [upload()]}, headers=JSON
    )
    assert first.status_code == second.status_code == 200
    assert first.json()["number"] == second.json()["number"]
    assert Case.objects.filter(idempotency_key=key).count() == 1
    assert CasePhoto.objects.count() == 1  # the re-sent photos are not stored again
    assert client.get("/cases/report/sent/", {"key": key}).json() == {
        "count": 1,
        "numbers": [first.json()["number"]],
    }


def test_offline_report_keeps_its_original_time(client, personas, vending):
    client.force_login(personas.resident_a)
    taken = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    response = client.post(
        "/cases/report/",
        _queued(vending, "key-offline-0001", reported_at=taken.isoformat()),
        headers=JSON,
    )
    case = Case.objects.get(number=response.json()["number"])
    assert case.reported_at == taken
    assert case.response_started_at == case.created_at > taken


def test_same_key_from_another_user_is_refused(client, personas, vending):
    key = "shared-key-0000001"
    client.force_login(personas.resident_a)
    client.post("/cases/report/", _queued(vending, key), headers=JSON)
    client.force_login(personas.resident_b)
    response = client.post("/cases/report/", _queued(vending, key), headers=JSON)
    assert response.status_code == 400
    assert response.json()["field"] == "idempotency_key"
    assert Case.objects.count() == 1
    assert not CaseFollower.objects.filter(user=personas.resident_b).exists()
    assert client.get("/cases/report/sent/", {"key": key}).json()["count"] == 0


def test_a_key_sent_again_with_another_report_is_409_which_the_queue_drops(
    client, personas, vending
):
    """The page answers the refusal with its own status, as the API does; the queue's script
    drops any JSON 4xx answer (report.js) rather than sending it again for ever."""
    key = "key-reused-000001"
    client.force_login(personas.resident_a)
    client.post("/cases/report/", _queued(vending, key), headers=JSON)
    response = client.post(
        "/cases/report/", _queued(vending, key, description="另一件事"), headers=JSON
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_malformed_key_is_refused(client, personas, vending):
    client.force_login(personas.resident_a)
    response = client.post("/cases/report/", _queued(vending, "bad key!"), headers=JSON)
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_queued_post_without_csrf_token_is_refused(personas, vending):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.resident_a)
    response = client.post("/cases/report/", _queued(vending, "key-no-csrf-01"), headers=JSON)
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_queued_post_with_csrf_header_is_accepted(personas, vending):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.resident_a)
    client.get("/cases/report/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/cases/report/",
        _queued(vending, "key-with-csrf-1"),
        headers={**JSON, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert Case.objects.count() == 1


def test_locate_names_the_grid_and_draws_outlines(client, personas):
    client.force_login(personas.resident_a)
    data = client.get("/cases/report/locate/", POINT).json()
    assert data["grid"]["name"] == personas.tree.grid_a1.name
    assert {f["properties"]["code"] for f in data["outlines"]["features"]} >= {
        personas.tree.grid_a1.code
    }
    outside = client.get("/cases/report/locate/", {"lat": "10", "lon": "10"}).json()
    assert outside["grid"] is None and outside["message"]
    assert client.get("/cases/report/locate/").status_code == 400


def test_report_endpoints_need_login(client, db):
    for url in (
        "/cases/report/locate/",
        "/cases/report/nearby/",
        "/cases/report/sent/",
        "/cases/mine/",
    ):
        assert client.get(url).status_code == 302
    assert client.post("/cases/report/", {}).status_code == 302
    assert Case.objects.count() == 0
