"""Patrol pages and the JSON endpoints behind the patrol page, for every persona."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _

from meihao.core.errors import PermissionDenied
from meihao.core.models import AuditEvent, ObligationTally
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.patrols import services
from meihao.patrols.models import DUTY, PatrolSession, TrackPoint
from meihao.patrols.tests.helpers import local, track, walk

NOW = local(2025, 3, 12, 10, 0)

PAGES = ["/patrols/", "/patrols/mine/", "/patrols/duty/"]
# persona → (current, mine, duty)
ACCESS = {
    "grid_worker_a": (200, 200, 200),
    "grid_worker_b": (200, 200, 200),
    "community_staff_a": (404, 404, 200),
    "street_chief_a": (404, 404, 200),
    "department_staff": (404, 404, 404),
    "district_admin": (404, 404, 200),
    "resident_a": (404, 404, 404),
    "resident_b": (404, 404, 404),
    "outsider": (404, 404, 404),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("persona", sorted(ACCESS))
@pytest.mark.parametrize("page", range(len(PAGES)))
def test_page_access_matrix(client, personas, persona, page):
    client.force_login(getattr(personas, persona))
    response = client.get(PAGES[page])
    assert response.status_code == ACCESS[persona][page]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_login(client, personas, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_current_page_shows_start_or_the_active_patrol(client, personas):
    client.force_login(personas.grid_worker_a)
    idle = client.get("/patrols/").content.decode()
    assert 'id="patrol-idle" class="card mb-3" >' in idle
    assert 'id="patrol-active" class="card border-danger mb-3" hidden' in idle
    assert "patrols/patrol.js" in idle

    start = post_json(client, "/patrols/start/", {"client_id": str(uuid.uuid4())})
    assert start.status_code == 201
    page = client.get("/patrols/")
    active = page.content.decode()
    assert 'id="patrol-idle" class="card mb-3" hidden' in active
    assert "骑楼社区第1网格" in active
    config = json.loads(
        active.split('id="patrol-config" type="application/json">')[1].split("<")[0]
    )
    assert config["active"]["client_id"] == start.json()["session"]["client_id"]
    assert config["urls"]["start"] == "/patrols/start/"


def test_offline_patrol_sent_later_through_the_endpoints(client, personas):
    client.force_login(personas.grid_worker_a)
    client_id = str(uuid.uuid4())
    begun = NOW - datetime.timedelta(minutes=70)
    body = {"client_id": client_id, "started_at": begun.isoformat(), "lat": 23.41, "lon": 111.205}
    first = post_json(client, "/patrols/start/", body)
    again = post_json(client, "/patrols/start/", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["session"]["grid"]["name"] == "骑楼社区第1网格"
    assert again.json()["created"] is False

    points = [
        {"recorded_at": p["recorded_at"], "lat": p["lat"], "lon": p["lon"], "accuracy_m": 9}
        for p in track(begun, 65)
    ]
    url = f"/patrols/s/{client_id}/points/"
    sent = post_json(client, url, {"points": points[:100]})
    resent = post_json(client, url, {"points": points[:100]})
    rest = post_json(client, url, {"points": points[100:]})
    assert sent.json()["stored"] == 100
    assert (resent.json()["stored"], resent.json()["duplicates"]) == (0, 100)
    assert rest.json()["session"]["point_count"] == len(points)

    end_body = {"ended_at": (begun + datetime.timedelta(minutes=65)).isoformat()}
    ended = post_json(client, f"/patrols/s/{client_id}/end/", end_body)
    ended_again = post_json(client, f"/patrols/s/{client_id}/end/", end_body)
    assert ended.status_code == ended_again.status_code == 200
    assert ended.json()["session"]["duration_s"] == 65 * 60
    assert ended_again.json() == ended.json()
    assert PatrolSession.objects.count() == 1
    assert TrackPoint.objects.count() == len(points)
    tally = ObligationTally.objects.get(duty=DUTY)
    assert (tally.subject_id, tally.period, tally.starts_on, tally.amount) == (
        personas.grid_worker_a.pk,
        "day",
        NOW.date(),
        65 * 60,
    )

    late = post_json(client, url, {"points": points[:1]})
    assert late.status_code == 400 and late.json()["error"]["code"] == "patrol_ended"


def test_endpoints_answer_json_errors(client, personas):
    client.force_login(personas.grid_worker_a)
    bad_json = client.post("/patrols/start/", data="{", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "bad_json"
    not_uuid = post_json(client, "/patrols/start/", {"client_id": "x"})
    assert not_uuid.status_code == 400
    assert not_uuid.json()["error"]["field"] == "client_id"
    unknown = post_json(client, f"/patrols/s/{uuid.uuid4()}/points/", {"points": []})
    assert unknown.status_code == 404
    assert client.get("/patrols/start/").status_code == 405
    assert PatrolSession.objects.count() == 0


def test_a_refusal_is_json_with_404_never_the_403_the_phone_takes_for_a_lost_log_in(
    client, personas, monkeypatch
):
    def refuse(**kwargs):
        raise PermissionDenied(_("Only grid workers patrol."), code="not_a_grid_worker")

    monkeypatch.setattr(services, "patrol_start", refuse)
    client.force_login(personas.grid_worker_a)
    response = post_json(client, "/patrols/start/", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_a_grid_worker",
        "message": "只有网格员可以巡查。",
        "field": None,
    }


def test_expired_login_answers_401_so_the_phone_keeps_its_queue(client, personas):
    response = post_json(client, "/patrols/start/", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "login_required"


def test_endpoints_need_the_csrf_token(personas):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.grid_worker_a)
    response = post_json(strict, "/patrols/start/", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 403
    assert PatrolSession.objects.count() == 0


@pytest.mark.parametrize("persona", sorted(set(ACCESS) - {"grid_worker_a", "grid_worker_b"}))
def test_non_grid_workers_cannot_start_through_the_endpoint(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = post_json(
        client,
        "/patrols/start/",
        {"client_id": str(uuid.uuid4()), "grid": personas.tree.grid_a1.pk},
    )
    assert response.status_code == 404
    assert PatrolSession.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="patrol").exists()


def test_grid_worker_of_b_cannot_start_in_a1_nor_touch_a_patrol_of_a(client, personas):
    session = walk(personas.grid_worker_a, NOW - datetime.timedelta(minutes=30), 20)
    client.force_login(personas.grid_worker_b)
    response = post_json(
        client,
        "/patrols/start/",
        {"client_id": str(uuid.uuid4()), "grid": personas.tree.grid_a1.pk},
    )
    assert response.status_code == 404
    points = post_json(client, f"/patrols/s/{session.client_id}/points/", {"points": track(NOW, 0)})
    end = post_json(client, f"/patrols/s/{session.client_id}/end/", {})
    assert points.status_code == end.status_code == 404
    assert PatrolSession.objects.count() == 1
    assert TrackPoint.objects.count() == 41


def test_duty_page_shows_who_has_not_met_the_hour(client, personas):
    walk(personas.grid_worker_a, NOW - datetime.timedelta(minutes=80), 65)
    client.force_login(personas.district_admin)
    page = client.get("/patrols/duty/").content.decode()
    assert f'data-worker="{personas.grid_worker_a.pk}" data-met-today="1"' in page
    assert f'data-worker="{personas.grid_worker_b.pk}" data-met-today="0"' in page
    unmet = client.get("/patrols/duty/?show=unmet_today").content.decode()
    assert "网格员乙" in unmet and "网格员甲" not in unmet
    only_b = client.get(f"/patrols/duty/?community={personas.tree.community_b.code}")
    assert "网格员乙" in only_b.content.decode()
    assert "网格员甲" not in only_b.content.decode()


def test_duty_page_of_a_street_chief_does_not_show_other_streets(client, personas):
    client.force_login(personas.street_chief_a)
    page = client.get("/patrols/duty/").content.decode()
    assert "网格员甲" in page
    assert "网格员乙" not in page and "河东社区" not in page


def add_workers(tree, count, start):
    for n in range(start, start + count):
        worker = make_user(
            f"139{n:08d}", f"巡查员{n:03d}", roles=[(Role.GRID_WORKER, tree.grid_a2)]
        )
        walk(worker, NOW - datetime.timedelta(minutes=50), 30 + n)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("url", ["/patrols/duty/", "/patrols/duty/?show=unmet_week"])
def test_duty_page_query_count_does_not_grow_with_workers(client, personas, url):
    client.force_login(personas.street_chief_a)
    add_workers(personas.tree, 2, 0)
    few, page = queries(client, url)
    assert "巡查员001" in page
    add_workers(personas.tree, 12, 2)
    many, page = queries(client, url)
    assert "巡查员013" in page
    assert many == few, f"{few} queries for 3 workers, {many} for 15"


def test_duty_page_is_paginated(client, personas):
    client.force_login(personas.street_chief_a)
    add_workers(personas.tree, 26, 0)
    first = client.get("/patrols/duty/").content.decode()
    second = client.get("/patrols/duty/?page=2").content.decode()
    assert first.count("data-worker=") == 25
    assert second.count("data-worker=") == 2  # 26 added + grid worker A


def test_mine_page_lists_the_last_two_weeks(client, personas):
    walk(personas.grid_worker_a, NOW - datetime.timedelta(days=1, minutes=90), 62)
    walk(personas.grid_worker_a, NOW - datetime.timedelta(days=20), 62)  # too old to show
    client.force_login(personas.grid_worker_a)
    count, page = queries(client, "/patrols/mine/")
    assert page.count("data-day=") == 14
    assert 'data-day="2025-03-11" data-minutes="62"' in page
    assert page.count('class="list-group-item"') == 1
    walk(personas.grid_worker_a, NOW - datetime.timedelta(days=3, minutes=90), 20)
    more, page = queries(client, "/patrols/mine/")
    assert page.count('class="list-group-item"') == 2
    assert more == count


def test_home_offers_patrol_links_by_role(client, personas):
    client.force_login(personas.grid_worker_a)
    worker_home = client.get("/").content.decode()
    assert 'href="/patrols/"' in worker_home and 'href="/patrols/mine/"' in worker_home
    client.force_login(personas.street_chief_a)
    chief_home = client.get("/").content.decode()
    assert 'href="/patrols/duty/"' in chief_home and 'href="/patrols/"' not in chief_home
    client.force_login(personas.resident_a)
    assert "/patrols/" not in client.get("/").content.decode()


def test_pages_speak_chinese_by_default_and_english_on_request(client, personas):
    client.force_login(personas.grid_worker_a)
    chinese = client.get("/patrols/").content.decode()
    assert "开始巡查" in chinese and "Start patrol" not in chinese
    config = json.loads(
        chinese.split('id="patrol-config" type="application/json">')[1].split("<")[0]
    )
    assert config["strings"]["end"] == "结束巡查"
    english = client.get("/patrols/duty/", headers={"accept-language": "en"}).content.decode()
    assert "Patrol duty" in english
    error = post_json(client, "/patrols/start/", {"client_id": "x"}).json()["error"]
    assert error["message"] == "巡查的客户端编号不是有效的 UUID。"
