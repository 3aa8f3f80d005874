"""The JSON API's one error handler and its bounded integers: every refusal is `{code, message}`
in the user's language, never Ninja's English `{"detail"}`, never a 500."""

import json

import pytest
from django.test import Client, RequestFactory
from ninja import Router, Schema
from ninja.errors import Throttled

from meihao.api import api
from meihao.core.api import ProductApi
from meihao.core.schemas import MAX_ID


@pytest.fixture
def staff(client, personas):
    client.force_login(personas.community_staff_a)
    return client


def _is_product_error(response, status, code=None):
    body = response.json()
    assert response.status_code == status, body
    assert response["Content-Type"].startswith("application/json")
    assert "detail" not in body
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def _chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/cases?offset=100000000000000000000", "offset"),
        ("/api/v1/cases?limit=" + "9" * 5000, "limit"),
        ("/api/v1/cases?limit=²", "limit"),
        ("/api/v1/cases?offset=١٢", "offset"),
        ("/api/v1/cases?limit=0", "limit"),
        ("/api/v1/cases?limit=101", "limit"),
        ("/api/v1/activities?offset=-1", "offset"),
        (f"/api/v1/people/{MAX_ID + 1}", "person_id"),
        ("/api/v1/people/" + "9" * 5000, "person_id"),
        ("/api/v1/people/²", "person_id"),
        ("/api/v1/activities/١٢", "pk"),
        ("/api/v1/rewards/items?merchant=0", "merchant"),
    ],
)
def test_bad_integers_are_422_in_chinese(staff, url, field):
    body = _is_product_error(staff.get(url), 422, "invalid_input")
    assert _chinese(body["message"])
    (error,) = body["errors"]
    assert error["field"] == field
    assert _chinese(error["message"])
    assert "Python" not in error["message"] and "integer" not in error["message"]


def test_a_huge_id_in_a_body_is_422(client, personas):
    client.force_login(personas.merchant_staff)
    response = client.post(
        "/api/v1/rewards/redemptions",
        {"code": "x", "item": 10**20, "idempotency_key": "key-12345678"},
        content_type="application/json",
    )
    body = _is_product_error(response, 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["item"]
    assert body["errors"][0]["loc"] == ["body", "item"]


def test_validation_messages_follow_the_language(staff):
    body = staff.get("/api/v1/cases?limit=500", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"] == "Some of the data is not valid."
    assert body["errors"][0]["message"] == "Enter a value of at most 100."
    body = staff.get("/api/v1/cases?limit=500").json()
    assert body["errors"][0]["message"] == "请输入不大于 100 的值。"


def test_a_missing_field_is_named(staff):
    response = staff.post("/api/v1/cases", {}, content_type="application/json")
    body = _is_product_error(response, 422, "invalid_input")
    assert {e["field"] for e in body["errors"]} == {"type", "description"}
    assert {e["message"] for e in body["errors"]} == {"此项必填。"}


@pytest.mark.parametrize(
    "path, content, content_type",
    [
        ("/api/v1/cases", b"{not json", "application/json"),
        ("/api/v1/cases", b'{"limit": ' + b"9" * 5000 + b"}", "application/json"),
        ("/api/v1/cases", b"type=GRID", "text/plain"),
        ("/api/v1/cases", b"--x\r\n", "multipart/form-data"),
        ("/api/v1/wishes/W-1/fulfil", b"--x\r\n", "multipart/form-data"),
    ],
)
def test_an_unreadable_body_is_400_in_chinese(staff, path, content, content_type):
    response = staff.post(path, content, content_type=content_type)
    body = _is_product_error(response, 400, "malformed_request")
    assert _chinese(body["message"])


def test_a_failed_csrf_check_is_403_in_chinese(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.community_staff_a)
    response = client.post("/api/v1/cases", {}, content_type="application/json")
    body = _is_product_error(response, 403, "csrf_failed")
    assert "CSRF" in body["message"] and _chinese(body["message"])


def test_anonymous_is_401_in_chinese(client, db):
    body = _is_product_error(client.get("/api/v1/cases"), 401, "unauthenticated")
    assert body["message"] == "请先登录。"


def test_a_method_the_path_does_not_have_is_405_json(staff):
    response = staff.put("/api/v1/cases", {}, content_type="application/json")
    body = _is_product_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "PUT" in body["message"] and _chinese(body["message"])


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_is_a_json_404(staff, method):
    response = getattr(staff, method)("/api/v1/no/such/thing")
    _is_product_error(response, 404, "not_found")


def test_throttled_keeps_its_status_and_retry_after():
    request = RequestFactory().get("/api/v1/cases")
    response = api.on_exception(request, Throttled(wait=7))
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    body = json.loads(response.content)
    assert body["code"] == "throttled" and "detail" not in body


def test_an_unexpected_error_is_a_500_in_the_product_format(staff, monkeypatch):
    from meihao.cases import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "api_case_list", broken)
    staff.raise_request_exception = False
    response = staff.get("/api/v1/cases")
    body = _is_product_error(response, 500, "server_error")
    assert "a bug" not in body["message"]


def test_every_operation_declares_the_error_responses():
    schema = api.get_openapi_schema()
    assert "ErrorOut" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "409", "422", "429"):
                declared = operation["responses"].get(int(status)) or operation["responses"].get(
                    status
                )
                assert declared, f"{method.upper()} {path} does not declare {status}"
                content = declared["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorOut"}


def test_two_schemas_of_one_name_are_refused():
    first, second = Router(), Router()

    def shape_a():
        class Twin(Schema):
            a: int

        return Twin

    def shape_b():
        class Twin(Schema):
            b: str

        return Twin

    twin_a, twin_b = shape_a(), shape_b()

    @first.get("/a", response=twin_a)
    def a(request):
        return {"a": 1}

    @second.get("/b", response=twin_b)
    def b(request):
        return {"b": "x"}

    probe = ProductApi(urls_namespace="probe")
    probe.add_router("/first", first)
    probe.add_router("/second", second)
    with pytest.raises(ValueError, match="Twin"):
        probe.get_openapi_schema(path_prefix="")


def test_the_api_schema_names_are_unique_and_me_is_the_peoples():
    schema = api.get_openapi_schema()  # raises on a clash
    me = schema["paths"]["/api/v1/me"]["get"]["responses"][200]["content"]["application/json"]
    assert me["schema"] == {"$ref": "#/components/schemas/MeOut"}
    assert "roles" in schema["components"]["schemas"]["MeOut"]["properties"]


PATH_VALUES = {"pk": "1", "person_id": "1", "number": "X-1", "code": "450403"}
PATH_WORDS = {"action": "accept", "step": "claim"}


def test_every_operation_accepts_a_bearer_token(db, personas):
    """The API promises a session or a bearer token everywhere: no router may narrow it."""
    from meihao.people.services import api_token_create

    _token, plaintext = api_token_create(actor=personas.resident_a, name="walk")
    refused, checked = [], 0
    for path, operations in api.get_openapi_schema()["paths"].items():
        url = path
        for name, value in {**PATH_VALUES, **PATH_WORDS}.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, f"no example value for a parameter of {path}"
        for method in operations:
            send = getattr(Client(), method)
            with_token = send(
                url, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plaintext}"
            )
            anonymous = send(url, {}, content_type="application/json")
            checked += 1
            if with_token.status_code in (401, 403) or anonymous.status_code != 401:
                refused.append((method.upper(), path, with_token.status_code))
    assert checked >= 40
    assert not refused


def test_an_authorization_error_is_forbidden_not_a_csrf_failure():
    from ninja.errors import AuthorizationError

    response = api.on_exception(RequestFactory().get("/api/v1/cases"), AuthorizationError())
    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "forbidden"
