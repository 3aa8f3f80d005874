"""The time bank's JSON API: the same services as the pages, errors as JSON in the user's words."""

import pytest
from django.utils import timezone

from meihao.cases.models import Case
from meihao.ledger.models import Account, Unit
from meihao.timebank.models import HelpRequest, TimeBankMember
from meihao.timebank.tests.conftest import HOME

JSON = "application/json"


def post(client, path, data=None):
    return client.post(f"/api/v1/timebank{path}", data or {}, content_type=JSON)


def test_join_update_and_me(client, personas):
    client.force_login(personas.volunteer_a)
    assert client.get("/api/v1/timebank/me").json() == {"member": None, "minutes": 0}
    response = post(client, "/me", {"skills": ["0102"]})
    assert response.status_code == 201, response.content
    assert response.json()["member"]["skills"] == ["0102"]
    assert response.json()["member"]["community"] == "450403001001"
    changed = client.put(
        "/api/v1/timebank/me",
        {"lat": HOME[0], "lon": HOME[1], "skills": [], "available": False},
        content_type=JSON,
    )
    assert changed.status_code == 200 and changed.json()["member"]["available"] is False
    bad = post(client, "/me", {"skills": ["0501"]})  # already a member, and not a kind of help
    assert bad.status_code == 400


def test_unknown_skills_are_refused_and_nothing_joins(client, personas):
    client.force_login(personas.volunteer_a)
    response = post(client, "/me", {"skills": ["9999"]})
    assert response.status_code == 400 and response.json()["field"] == "skills"
    assert not TimeBankMember.objects.exists()


def test_a_request_from_asking_to_payment(client, personas, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(personas.volunteer_a)
    post(client, "/me")
    client.force_login(personas.community_staff_a)
    funded = post(client, "/pools/450403001001/fund", {"minutes": 100, "token": "api-fund-0001"})
    assert funded.json() == {"community": "450403001001", "pool_minutes": 100}

    client.force_login(personas.resident_a)
    asked = post(client, "/requests", {"category": "0101", "description": "想找人聊聊天"})
    assert asked.status_code == 201, asked.content
    number = asked.json()["number"]
    assert asked.json()["kind"] == "help" and asked.json()["requester"] == "居民甲"

    client.force_login(personas.volunteer_a)
    nearby = client.get("/api/v1/timebank/requests/nearby").json()
    assert [r["number"] for r in nearby["items"]] == [number]
    assert nearby["items"][0]["distance_m"] == pytest.approx(0, abs=1)
    assert post(client, f"/requests/{number}/claim").json()["abilities"]["start"] is True
    refused = post(client, f"/requests/{number}/check-in")
    assert refused.status_code == 400 and refused.json()["code"] == "location_required"
    post(client, f"/requests/{number}/check-in", {"lat": HOME[0], "lon": HOME[1]})
    time_machine.shift(45 * 60)
    out = post(client, f"/requests/{number}/check-out", {"lat": HOME[0], "lon": HOME[1]})
    assert out.json()["status"] == "reported_back" and len(out.json()["visits"]) == 1

    client.force_login(personas.resident_a)
    done = post(client, f"/requests/{number}/confirm")
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["minutes"], done.json()["paid_by"]) == (
        "closed",
        45,
        "pool",
    )
    helper = personas.volunteer_a.person
    assert Account.objects.get(person=helper, unit=Unit.MINUTES).balance == 45
    assert post(client, f"/requests/{number}/confirm").status_code == 409


def test_staff_ask_for_a_resident_by_mobile_number(client, personas):
    client.force_login(personas.community_staff_a)
    response = post(
        client,
        "/requests",
        {"category": "0103", "description": "陪同复查", "requester_phone": "13800000007"},
    )
    assert response.status_code == 201
    assert HelpRequest.objects.get().requester == personas.resident_a.person
    wrong = post(
        client,
        "/requests",
        {"category": "0103", "description": "陪同复查", "requester_phone": "13800000008"},
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "requester_phone"
    assert HelpRequest.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"category": "9999", "description": "帮忙"},
        {"category": "0101", "description": ""},
        {"category": "0101", "description": "帮忙", "lat": 95, "lon": 111.2},
        {"category": "0101", "description": "帮忙", "withdrawal": True},
    ],
)
def test_bad_requests_are_400_and_file_nothing(client, personas, payload):
    client.force_login(personas.resident_a)
    response = post(client, "/requests", payload)
    assert response.status_code in (400, 403), response.content
    assert response.json()["message"]
    assert not Case.objects.filter(case_type__code="TIMEBANK").exists()


def test_an_unknown_step_is_404(client, personas, asked):
    case = asked()
    client.force_login(personas.resident_a)
    assert post(client, f"/requests/{case.number}/pay").status_code == 404


def test_funding_a_pool_out_of_scope_is_404(client, personas):
    client.force_login(personas.community_staff_a)
    response = post(client, "/pools/450403002001/fund", {"minutes": 10, "token": "api-fund-0002"})
    assert response.status_code == 404
    client.force_login(personas.resident_a)
    response = post(client, "/pools/450403001001/fund", {"minutes": 10, "token": "api-fund-0003"})
    assert response.status_code == 404
    assert not Account.objects.filter(kind=Account.Kind.POOL, balance__gt=0).exists()


def test_a_reused_idempotency_key_replays_the_same_request_and_refuses_another(client, personas):
    client.force_login(personas.resident_a)
    ask = {"category": "0101", "description": "想找人聊聊天", "idempotency_key": "ask-000001"}
    first = post(client, "/requests", ask)
    assert first.status_code == 201, first.content
    again = post(client, "/requests", ask)
    assert again.status_code == 201 and again.json()["number"] == first.json()["number"]
    other = post(client, "/requests", {**ask, "description": "需要人帮忙买菜"})
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert HelpRequest.objects.count() == 1
