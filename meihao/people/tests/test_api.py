"""The people API: bearer tokens, /me, the scoped list and detail, errors in the user's language."""

import datetime

import pytest
import time_machine
from django.test import Client

from meihao.core.roles import Role
from meihao.people import services
from meihao.people.models import ApiToken
from meihao.people.tests.factories import PersonFactory, make_id_number


def bearer(plaintext):
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def token(personas):
    return services.api_token_create(actor=personas.grid_worker_a, name="巡查App")


def test_bearer_token_authenticates(db, personas, token):
    _token, plaintext = token
    response = Client().get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["name"] == "网格员甲"


def test_revoked_token_is_401(db, personas, token):
    stored, plaintext = token
    services.api_token_revoke(actor=personas.grid_worker_a, token=stored)
    response = Client().get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("header", ["Bearer mh_wrong", "Bearer ", "Token abc", "mh_abc"])
def test_unknown_tokens_are_401(db, personas, token, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_401(db, personas, token):
    _stored, plaintext = token
    personas.grid_worker_a.is_active = False
    personas.grid_worker_a.save()
    assert Client().get("/api/v1/me", **bearer(plaintext)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(db, personas, token):
    stored, plaintext = token
    start = datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        Client().get("/api/v1/me", **bearer(plaintext))
    stored.refresh_from_db()
    assert stored.last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        Client().get("/api/v1/me", **bearer(plaintext))
    stored.refresh_from_db()
    assert stored.last_used_at == start
    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        Client().get("/api/v1/me", **bearer(plaintext))
    stored.refresh_from_db()
    assert stored.last_used_at == later


def test_token_sees_what_its_owner_sees(db, personas, token):
    _stored, plaintext = token
    inside = PersonFactory(real_name="网格内", home_place=personas.tree.grid_a1)
    outside = PersonFactory(real_name="网格外", home_place=personas.tree.grid_b1)
    client = Client()
    names = {
        p["real_name"] for p in client.get("/api/v1/people", **bearer(plaintext)).json()["items"]
    }
    assert "网格内" in names and "网格外" not in names
    assert client.get(f"/api/v1/people/{inside.pk}", **bearer(plaintext)).status_code == 200
    assert client.get(f"/api/v1/people/{outside.pk}", **bearer(plaintext)).status_code == 404


def test_me_lists_roles_with_scopes_and_abilities(client, personas):
    services.role_assign(
        actor=personas.district_admin,
        user=personas.community_staff_a,
        role=Role.VOLUNTEER,
        place=personas.tree.grid_a2,
    )
    client.force_login(personas.community_staff_a)
    body = client.get("/api/v1/me").json()
    assert body["phone_masked"] == "138****0003"
    assert "13800000003" not in str(body)
    assert body["person_id"] == personas.community_staff_a.person.pk
    roles = {r["role"]: r for r in body["roles"]}
    assert roles["community_staff"]["place"]["code"] == personas.tree.community_a.code
    assert roles["community_staff"]["scope_path"] == personas.tree.community_a.path
    assert roles["community_staff"]["label"] == "社区工作者"
    assert roles["volunteer"]["place"]["code"] == personas.tree.grid_a2.code
    assert body["abilities"] == {"people_list": True, "people_export": True, "people_import": True}


def test_me_for_organisation_role(client, personas):
    client.force_login(personas.department_staff)
    body = client.get("/api/v1/me").json()
    (role,) = body["roles"]
    assert role["organisation"] == {"id": personas.department.pk, "name": "万秀区城市管理局"}
    assert role["place"] is None
    assert role["scope_path"] == personas.tree.district.path
    assert body["abilities"]["people_list"] is False


def test_people_list_is_paginated_and_searchable(client, personas):
    for serial in range(5):
        PersonFactory(
            real_name=f"分页{serial}",
            home_place=personas.tree.grid_a1,
            id_number=make_id_number(serial=serial + 40),
        )
    client.force_login(personas.community_staff_a)
    body = client.get("/api/v1/people", {"q": "分页", "limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [p["real_name"] for p in body["items"]] == ["分页2", "分页3"]
    item = body["items"][0]
    assert item["id_number_masked"].count("*") == 8
    assert item["abilities"]["reveal_id_number"] is True
    found = client.get("/api/v1/people", {"q": make_id_number(serial=43)}).json()
    assert [p["real_name"] for p in found["items"]] == ["分页3"]


def test_bad_parameters_are_422_in_the_users_language(client, personas):
    client.force_login(personas.community_staff_a)
    response = client.get("/api/v1/people", {"limit": 1000})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["message"] == "部分数据不合法。"
    response = client.get("/api/v1/people", {"limit": 1000}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Some of the data is not valid."


def test_out_of_scope_detail_is_a_json_404_in_the_users_language(client, personas):
    outside = PersonFactory(home_place=personas.tree.grid_b1)
    client.force_login(personas.grid_worker_a)
    response = client.get(f"/api/v1/people/{outside.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到。", "field": None}
    response = client.get(f"/api/v1/people/{outside.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Not found."


def test_session_api_checks_csrf_on_unsafe_methods(db, personas):
    from meihao.api import api

    # Every operation requires either a token or the CSRF-checked session.
    auth = api.auth
    assert [type(a).__name__ for a in auth] == ["ApiTokenAuth", "SessionAuth"]
    assert auth[1].csrf is True


def test_revoked_tokens_stay_listed_but_cannot_be_revived(personas, token):
    stored, _plain = token
    services.api_token_revoke(actor=personas.grid_worker_a, token=stored)
    first = ApiToken.objects.get(pk=stored.pk).revoked_at
    services.api_token_revoke(actor=personas.grid_worker_a, token=stored)
    assert ApiToken.objects.get(pk=stored.pk).revoked_at == first
