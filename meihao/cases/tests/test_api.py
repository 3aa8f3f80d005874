"""The case API at /api/v1/cases: contract, permission matrix, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.cases import services
from meihao.cases.models import Case, CaseCategory, CaseEvent
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import CASE_PERSONAS, make_user

BASE = "/api/v1/cases"
PERSONAS = CASE_PERSONAS


def snapshot(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.version,
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
    )


def post(client, url, body=None, **extra):
    return client.post(url, body or {}, content_type="application/json", **extra)


# persona: (list sees the case, detail, accept action)
API_ACCESS = {
    "grid_worker_a": (True, 200, 403),
    "grid_worker_b": (False, 404, 404),
    "community_staff_a": (True, 200, 200),
    "street_chief_a": (True, 200, 200),
    "department_staff": (False, 404, 404),
    "district_admin": (True, 200, 200),
    "resident_a": (False, 404, 404),
    "resident_b": (False, 404, 404),
    "outsider": (False, 404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_permission_matrix(client, personas, new_case, persona):
    case = new_case()
    client.force_login(getattr(personas, persona))
    listed = client.get(BASE)
    assert listed.status_code == 200
    assert (case.number in {i["number"] for i in listed.json()["items"]}) == API_ACCESS[persona][0]
    assert client.get(f"{BASE}/{case.number}").status_code == API_ACCESS[persona][1]
    before = snapshot(case)
    response = post(client, f"{BASE}/{case.number}/actions/accept")
    assert response.status_code == API_ACCESS[persona][2]
    if response.status_code != 200:
        assert snapshot(case) == before
        assert set(response.json()) >= {"code", "message"}


def test_api_needs_authentication(client, db):
    assert client.get(BASE).status_code == 401
    assert post(client, BASE, {"type": "GRID"}).status_code == 401


def test_detail_has_timeline_and_abilities(client, personas, new_case):
    case = new_case()
    client.force_login(personas.street_chief_a)
    body = client.get(f"{BASE}/{case.number}").json()
    assert body["number"] == case.number
    assert body["status"] == "submitted"
    assert body["type"]["code"] == "GRID" and body["category"]["code"] == "0501"
    assert body["place"]["code"] == personas.tree.grid_a1.code
    assert [e["action"] for e in body["timeline"]] == ["submit"]
    assert body["timeline"][0]["actor"] == personas.grid_worker_a.name
    assert body["abilities"]["dispatch"] is True and body["abilities"]["start"] is False
    assert "reporter_phone" not in body


def test_submit_returns_201_and_is_idempotent(client, personas, db):
    client.force_login(personas.grid_worker_a)
    payload = {
        "type": "GRID",
        "category": "0501",
        "description": "流动摊贩在学校门口摆卖",
        "lat": 23.41,
        "lon": 111.205,
        "idempotency_key": "offline-report-0001",
        "data": {},
    }
    first = post(client, BASE, payload)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "submitted" and body["channel"] == "grid_patrol"
    assert body["place"]["code"] == personas.tree.grid_a1.code
    again = post(client, BASE, payload)
    assert again.json()["number"] == body["number"]
    assert Case.objects.count() == 1


def test_a_police_officer_gets_one_channel_through_the_page_and_the_api(
    client, personas, grid_type
):
    grid_type.submit_roles = [*grid_type.submit_roles, Role.POLICE_OFFICER]
    grid_type.save()
    officer = make_user(
        "13700000031",
        "社区民警",
        home=personas.tree.grid_a1,
        roles=[(Role.POLICE_OFFICER, personas.tree.community_a)],
    )
    client.force_login(officer)
    through_api = post(
        client,
        BASE,
        {
            "type": "GRID",
            "category": "0501",
            "description": "学校门口有流动摊贩",
            "lat": 23.41,
            "lon": 111.205,
        },
    )
    assert through_api.status_code == 201, through_api.content
    category = CaseCategory.objects.get(case_type=grid_type, code="0501")
    through_page = client.post(
        "/cases/report/",
        {
            "category": category.pk,
            "description": "学校门口有流动摊贩",
            "lat": "23.41",
            "lon": "111.205",
        },
    )
    assert through_page.status_code == 302
    channels = list(Case.objects.order_by("pk").values_list("channel", flat=True))
    assert channels == [Case.Channel.POLICE_GROUP, Case.Channel.POLICE_GROUP]


def test_a_reused_key_with_another_report_is_409(client, personas, db):
    client.force_login(personas.grid_worker_a)
    payload = {
        "type": "GRID",
        "category": "0501",
        "description": "流动摊贩在学校门口摆卖",
        "lat": 23.41,
        "lon": 111.205,
        "idempotency_key": "offline-report-0002",
    }
    first = post(client, BASE, payload)
    assert first.status_code == 201
    other = post(client, BASE, {**payload, "description": "井盖缺失"})
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["message"] == "该幂等键已用于另一个内容不同的请求。"
    assert Case.objects.get().description == "流动摊贩在学校门口摆卖"
    again = post(client, BASE, payload)
    assert again.status_code == 201 and again.json()["number"] == first.json()["number"]


@pytest.mark.parametrize(
    "payload,status,code",
    [
        (
            {"type": "NOPE", "description": "x", "lat": 23.41, "lon": 111.205},
            400,
            "validation_failed",
        ),
        (
            {"type": "GRID", "category": "9999", "description": "x", "lat": 23.41, "lon": 111.205},
            400,
            "validation_failed",
        ),
        (
            {"type": "GRID", "category": "0501", "description": " ", "lat": 23.41, "lon": 111.205},
            400,
            "required",
        ),
        (
            {"type": "GRID", "category": "0501", "description": "x", "lat": 1.0, "lon": 1.0},
            400,
            None,
        ),
        ({"type": "GRID", "description": "x", "lat": "north"}, 422, "invalid_input"),
        ({"description": "x"}, 422, "invalid_input"),
    ],
)
def test_submit_bad_input_changes_nothing(client, personas, payload, status, code):
    client.force_login(personas.grid_worker_a)
    response = post(client, BASE, payload, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
    assert response.json()["message"]
    assert Case.objects.count() == 0


def test_errors_speak_the_users_language(client, personas, db):
    client.force_login(personas.grid_worker_a)
    payload = {"type": "NOPE", "description": "x"}
    zh = post(client, BASE, payload, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["message"]
    en = post(client, BASE, payload, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert en == "Unknown case type."
    assert zh != en


def test_actions_through_the_whole_loop(client, personas, new_case):
    case = new_case()
    client.force_login(personas.street_chief_a)
    r = post(
        client,
        f"{BASE}/{case.number}/actions/dispatch",
        {"organisation": personas.department.pk, "note": "请处置"},
    )
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    assert r.json()["assigned_organisation"]["id"] == personas.department.pk
    client.force_login(personas.department_staff)
    assert post(client, f"{BASE}/{case.number}/actions/start").json()["status"] == "in_progress"
    r = post(client, f"{BASE}/{case.number}/actions/report_back", {"note": "已劝离"})
    assert r.json()["status"] == "reported_back"
    client.force_login(personas.grid_worker_a)
    r = post(client, f"{BASE}/{case.number}/actions/verify_close")
    assert r.json()["status"] == "closed"
    assert [e["action"] for e in r.json()["timeline"]] == [
        "submit",
        "dispatch",
        "start",
        "report_back",
        "verify_close",
    ]


def test_illegal_transition_is_409(client, personas, new_case):
    case = new_case()
    client.force_login(personas.street_chief_a)
    before = snapshot(case)
    response = post(client, f"{BASE}/{case.number}/actions/verify_close")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert snapshot(case) == before


def test_unknown_action_and_case_are_404(client, personas, new_case):
    case = new_case()
    client.force_login(personas.street_chief_a)
    assert post(client, f"{BASE}/{case.number}/actions/explode").status_code == 404
    assert post(client, f"{BASE}/WG0/actions/accept").status_code == 404
    assert client.get(f"{BASE}/WG0").status_code == 404


def test_action_bad_input(client, personas, new_case):
    case = new_case()
    client.force_login(personas.street_chief_a)
    before = snapshot(case)
    r = post(client, f"{BASE}/{case.number}/actions/reject", {"reason": ""})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = post(client, f"{BASE}/{case.number}/actions/dispatch", {"organisation": 999999})
    assert r.status_code == 400 and r.json()["field"] == "organisation"
    r = post(client, f"{BASE}/{case.number}/actions/dispatch", {"organisation": "abc"})
    assert r.status_code == 422
    assert snapshot(case) == before


def test_accept_dispatch_through_the_api(client, personas, new_case):
    case = new_case()
    client.force_login(personas.street_chief_a)
    r = post(client, f"{BASE}/{case.number}/actions/accept_dispatch")
    assert r.status_code == 200
    assert [e["action"] for e in r.json()["timeline"]] == ["submit", "accept", "dispatch"]


def test_list_filters(client, personas, new_case, grid_type):
    a = new_case()
    b = new_case(lon=111.305)
    noise = new_case(category=grid_type.categories.get(code="0401"))
    services.case_dispatch(
        case=noise, actor=personas.district_admin, organisation=personas.department
    )
    client.force_login(personas.district_admin)

    def got(query):
        response = client.get(BASE + query)
        assert response.status_code == 200
        return {i["number"] for i in response.json()["items"]}

    assert got("") == {a.number, b.number, noise.number}
    assert got("?status=dispatched") == {noise.number}
    assert got("?category=0401") == {noise.number}
    assert got(f"?place={personas.tree.street_b.code}") == {b.number}
    assert got("?place=000") == set()
    assert got("?overdue=true") == set()
    assert client.get(BASE + "?status=bogus").status_code == 400
    assert client.get(BASE + "?limit=1000").status_code == 422
    page = client.get(BASE + "?limit=2&offset=0").json()
    assert page["count"] == 3 and len(page["items"]) == 2


def test_list_query_count_does_not_depend_on_page_size(client, personas, new_case):
    client.force_login(personas.street_chief_a)
    for i in range(10):
        new_case(description=f"摊贩{i}")
    with CaptureQueriesContext(connection) as small:
        r = client.get(BASE + "?limit=10")
    assert len(r.json()["items"]) == 10
    for i in range(40):
        new_case(description=f"摊贩{i}")
    with CaptureQueriesContext(connection) as large:
        r = client.get(BASE + "?limit=50")
    assert len(r.json()["items"]) == 50
    assert len(large) == len(small)


def test_status_label_is_the_readers_word_and_documented(client, personas, new_case):
    from meihao.api import api

    case = services.case_accept(case=new_case(), actor=personas.street_chief_a)
    client.force_login(personas.street_chief_a)
    body = client.get(f"{BASE}/{case.number}").json()
    assert (body["status"], body["status_label"]) == ("accepted", "已立案")
    (item,) = client.get(BASE).json()["items"]
    assert (item["status"], item["status_label"]) == ("accepted", "已立案")
    acted = post(
        client,
        f"{BASE}/{case.number}/actions/dispatch",
        {"organisation": personas.department.pk},
    ).json()
    assert (acted["status"], acted["status_label"]) == ("dispatched", "已派遣")
    # A resident reads their own case in a citizen's words, never the office's.
    client.force_login(personas.resident_a)
    filed = post(
        client,
        BASE,
        {
            "type": "GRID",
            "category": "0501",
            "description": "门口摆摊",
            "lat": 23.41,
            "lon": 111.205,
        },
    ).json()
    assert (filed["status"], filed["status_label"]) == ("submitted", "已提交")
    services.case_accept(
        case=Case.objects.get(number=filed["number"]), actor=personas.street_chief_a
    )
    mine = client.get(f"{BASE}/{filed['number']}").json()
    assert (mine["status"], mine["status_label"]) == ("accepted", "已受理")
    properties = api.get_openapi_schema()["components"]["schemas"]["CaseOut"]["properties"]
    assert "state code" in properties["status"]["description"]
    assert "office's word" in properties["status_label"]["description"]


def test_the_timeline_names_people_for_the_reader(client, personas):
    """Staff read who acted; a resident reading their own case reads offices, not names."""
    client.force_login(personas.resident_a)
    filed = post(
        client,
        BASE,
        {
            "type": "GRID",
            "category": "0501",
            "description": "门口摆摊",
            "lat": 23.41,
            "lon": 111.205,
        },
    ).json()
    services.case_accept(
        case=Case.objects.get(number=filed["number"]), actor=personas.street_chief_a
    )
    mine = client.get(f"{BASE}/{filed['number']}").json()["timeline"]
    assert [e["action"] for e in mine] == ["submit", "accept"]
    assert mine[0]["actor"] != personas.resident_a.name  # themselves: 您 / You
    assert mine[1]["actor"] and personas.street_chief_a.name not in mine[1]["actor"]
    client.force_login(personas.street_chief_a)
    staff = client.get(f"{BASE}/{filed['number']}").json()["timeline"]
    assert staff[1]["actor"] == personas.street_chief_a.name
