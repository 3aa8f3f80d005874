"""Contract tests: POST and GET service requests, requests/{id} and tokens/{token}."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meihao.cases.open311.tests.helpers import children, error_of, get, post, requests_of

FORMATS = ["json", "xml"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]

pytestmark = pytest.mark.django_db


def report(key, **overrides):
    params = {
        "api_key": key,
        "service_code": "0501",
        "lat": "23.41234",
        "long": "111.20567",
        "address_string": "骑楼街12号",
        "description": "校门口有流动摊贩摆卖",
        "first_name": "小红",
        "last_name": "李",
        "phone": "13987654321",
        "email": "li@example.com",
        "device_id": "device-42",
        "media_url": "https://photos.example.com/42.jpg",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


# ---------------------------------------------------------------------------------------------
# POST requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_case_through_case_submit(client, fmt, api_key, client_account, vending):
    from meihao.cases.models import Case, CaseEvent

    data = post(client, fmt, **report(api_key))
    if fmt == "xml":
        assert data.tag == "service_requests"
        request = data.find("request")
        assert children(request) == ["service_request_id", "service_notice", "account_id"]
        assert request.findtext("account_id") == ""
        number = request.findtext("service_request_id")
        notice = request.findtext("service_notice")
    else:
        assert len(data) == 1
        assert set(data[0]) == {"service_request_id", "service_notice", "account_id"}
        assert data[0]["account_id"] is None
        number, notice = data[0]["service_request_id"], data[0]["service_notice"]
    case = Case.objects.get(number=number)
    assert number in notice
    assert case.channel == Case.Channel.TRANSFER
    assert case.submitted_by == client_account
    assert case.category == vending
    assert case.place.code == "450403001001001"
    assert case.reporter_name == "李小红"
    assert case.reporter_phone == "13987654321"
    assert case.address == "骑楼街12号"
    events = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert events == ["submit", "note"]
    note = CaseEvent.objects.get(case=case, action="note")
    assert note.data == {
        "source": "open311",
        "media_url": "https://photos.example.com/42.jpg",
        "email": "li@example.com",
        "device_id": "device-42",
    }


def test_post_without_extras_writes_no_note(client, api_key):
    from meihao.cases.models import CaseEvent

    post(client, "json", **report(api_key, email=None, device_id=None, media_url=None))
    assert not CaseEvent.objects.filter(action="note").exists()


def test_post_with_address_only_goes_to_the_district(client, api_key, personas):
    from meihao.cases.models import Case

    data = post(client, "json", **report(api_key, lat=None, long=None))
    case = Case.objects.get(number=data[0]["service_request_id"])
    assert case.place == personas.tree.district
    assert case.lat is None


def test_post_attributes_are_typed_by_the_form_schema(client, api_key, grid_type):
    from meihao.cases.models import Case

    grid_type.form_schema = {
        "type": "object",
        "properties": {
            "stalls": {"type": "integer", "title": "摊位数", "minimum": 1},
            "blocks_exit": {"type": "boolean", "title": "堵塞出口"},
            "kind": {"type": "string", "enum": ["food", "goods"]},
        },
        "required": ["stalls"],
    }
    grid_type.save()
    params = report(api_key)
    params.update({"attribute[stalls]": "3", "attribute[blocks_exit]": "true"})
    params["attribute[kind]"] = "food"
    data = post(client, "json", **params)
    case = Case.objects.get(number=data[0]["service_request_id"])
    assert case.data == {"stalls": 3, "blocks_exit": True, "kind": "food"}

    del params["attribute[stalls]"]
    code, description = error_of(post(client, "json", expect=400, **params), "json")
    assert code == 400
    assert description.startswith("attribute[stalls]")
    params["attribute[stalls]"] = "three"
    code, description = error_of(post(client, "json", expect=400, **params), "json")
    assert description.startswith("attribute[stalls]")
    params["attribute[stalls]"] = "2"
    params["attribute[colour]"] = "red"
    code, description = error_of(post(client, "json", expect=400, **params), "json")
    assert "colour" in description
    assert Case.objects.count() == 1


ERRORS = [
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "9999"}, 404, "9999"),
    ({"lat": "north", "long": "111.2"}, 400, ""),
    ({"lat": "123.4", "long": "111.2"}, 400, ""),
    ({"lat": "23.41", "long": None}, 400, "long"),
    ({"lat": None, "long": None, "address_string": None}, 400, "address_string"),
    ({"lat": "39.9", "long": "116.4"}, 400, "lat/long"),  # Beijing: in no grid of ours
    ({"description": ""}, 400, "description"),
    ({"description": "x" * 2001}, 400, "description"),
    ({"email": "not-an-address"}, 400, "email"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"phone": "call me"}, 400, "phone"),
    ({"jurisdiction_id": "110101"}, 404, "110101"),
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "mh_not-a-real-key"}, 403, "api_key"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("overrides", "status", "mentions"), ERRORS)
def test_post_errors_change_nothing(client, fmt, api_key, overrides, status, mentions):
    from meihao.cases.models import Case, CaseEvent
    from meihao.core.models import AuditEvent

    before = AuditEvent.objects.count()
    data = post(client, fmt, expect=status, **report(api_key, **overrides))
    code, description = error_of(data, fmt)
    assert code == status
    assert mentions in description
    assert description
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert AuditEvent.objects.count() == before


def test_post_with_a_revoked_key_is_403(client, client_account, api_key):
    from meihao.people.services import api_token_revoke

    api_token_revoke(actor=client_account, token=client_account.api_tokens.get())
    code, _description = error_of(post(client, "json", expect=403, **report(api_key)), "json")
    assert code == 403


def test_post_by_an_inactive_account_is_403(client, client_account, api_key):
    client_account.is_active = False
    client_account.save()
    post(client, "json", expect=403, **report(api_key))


def test_post_needs_no_csrf_token(api_key, grid_type):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    post(strict, "json", **report(api_key))


def test_post_to_a_type_the_key_may_not_submit_is_403(client, api_key, grid_type):
    from meihao.cases.models import Case

    # Closed to the public after the client read the service list.
    grid_type.public_may_submit = False
    grid_type.save()
    # No longer offered: 404, as for any unknown service.
    post(client, "json", expect=404, **report(api_key))
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------------------------
# GET requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_post_then_get_request(client, fmt, api_key, personas):
    from meihao.cases.models import Case
    from meihao.cases.services import case_dispatch

    number = post(client, "json", **report(api_key))[0]["service_request_id"]
    case = Case.objects.get(number=number)
    case_dispatch(case=case, actor=personas.street_chief_a, organisation=personas.department)
    case.refresh_from_db()

    data = get(client, f"requests/{number}", fmt)
    if fmt == "xml":
        assert data.tag == "service_requests"
        assert children(data) == ["request"]
        assert children(data.find("request")) == REQUEST_FIELDS
    [request] = requests_of(data, fmt)
    if fmt == "json":
        assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert request["status_notes"] == "已转交办理"  # the reporters' words, not 派遣
    assert request["service_code"] == "0501"
    assert request["service_name"] == "乱摆卖"
    assert request["agency_responsible"] == "万秀区城市管理局"
    assert request["description"] == "校门口有流动摊贩摆卖"
    # Published as the public page shows it: the grid, not the address; no photo made public,
    # and never the media_url the client sent (nobody reviewed it).
    assert request["address"] == case.place.name
    assert request["media_url"] in (None, "")
    assert request["requested_datetime"] == timezone.localtime(case.created_at).isoformat(
        timespec="seconds"
    )
    assert request["requested_datetime"].endswith("+08:00")
    assert request["expected_datetime"] == timezone.localtime(case.resolve_by).isoformat(
        timespec="seconds"
    )
    assert float(request["lat"]) == case.place.centroid_lat
    assert float(request["long"]) == case.place.centroid_lon
    for missing in ("address_id", "zipcode"):
        assert request[missing] in (None, "") if fmt == "xml" else request[missing] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens_resolve_to_the_request(client, fmt, api_key, personas):
    number = post(client, "json", **report(api_key))[0]["service_request_id"]
    # Like the request itself, its token is found once the request is published.
    error_of(get(client, f"tokens/{number}", fmt, expect=404), fmt)
    _accept(number, personas)
    data = get(client, f"tokens/{number}", fmt)
    if fmt == "xml":
        assert children(data.find("request")) == ["service_request_id", "token"]
    [request] = requests_of(data, fmt)
    assert request == {"service_request_id": number, "token": number}
    code, _description = error_of(get(client, "tokens/NOPE", fmt, expect=404), fmt)
    assert code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_or_private_request_is_404(client, fmt, new_case, grid_type):
    code, description = error_of(get(client, "requests/WG000", fmt, expect=404), fmt)
    assert (code, "WG000" in description) == (404, True)
    case = new_case()
    grid_type.visibility = "private"
    grid_type.save()
    error_of(get(client, f"requests/{case.number}", fmt, expect=404), fmt)
    assert requests_of(get(client, "requests", fmt), fmt) == []


def _accept(number, personas):
    from meihao.cases.models import Case
    from meihao.cases.services import case_accept

    case_accept(case=Case.objects.get(number=number), actor=personas.street_chief_a)


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_filter_maps_terminal_states_to_closed(client, fmt, new_case, personas):
    from meihao.cases.models import Case

    open_case = new_case()
    closed = new_case()
    Case.objects.filter(pk=closed.pk).update(status="closed")

    def numbers(**params):
        return {
            r["service_request_id"]
            for r in requests_of(get(client, "requests", fmt, **params), fmt)
        }

    assert numbers(status="open") == {open_case.number}
    assert numbers(status="closed") == {closed.number}
    assert numbers(status="open,closed") == {open_case.number, closed.number}
    assert numbers() == {open_case.number, closed.number}
    statuses = {
        r["status"] for r in requests_of(get(client, "requests", fmt, status="closed"), fmt)
    }
    assert statuses == {"closed"}
    code, _d = error_of(get(client, "requests", fmt, expect=400, **{"status": "pending"}), fmt)
    assert code == 400


def test_service_request_id_list_overrides_other_filters(client, new_case, personas):
    first, _second, third = new_case(), new_case(), new_case()
    data = get(
        client,
        "requests",
        "json",
        service_request_id=f"{first.number},{third.number}",
        status="closed",
        service_code="0101",
    )
    assert {r["service_request_id"] for r in data} == {first.number, third.number}


def test_service_code_filter(client, new_case, grid_type):
    litter = grid_type.categories.get(code="0102")
    vending_case, litter_case = new_case(), new_case(category=litter)
    data = get(client, "requests", "json", service_code="0102")
    assert [r["service_request_id"] for r in data] == [litter_case.number]
    data = get(client, "requests", "json", service_code="0102,0501")
    assert {r["service_request_id"] for r in data} == {vending_case.number, litter_case.number}
    assert get(client, "requests", "json", service_code="9999") == []


def _age(case, days: float):
    from meihao.cases.models import Case

    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_default_window_is_the_last_90_days(client, new_case):
    recent, old = new_case(), new_case()
    _age(recent, 89)
    _age(old, 91)
    data = get(client, "requests", "json")
    assert [r["service_request_id"] for r in data] == [recent.number]
    # The old one is still there by id, and in a window that covers it.
    assert get(client, f"requests/{old.number}", "json")[0]["service_request_id"] == old.number
    start = (timezone.localdate() - timedelta(days=100)).isoformat()
    end = (timezone.localdate() - timedelta(days=30)).isoformat()
    data = get(client, "requests", "json", start_date=start, end_date=end)
    assert {r["service_request_id"] for r in data} == {recent.number, old.number}


def test_start_date_alone_opens_a_90_day_window(client, new_case):
    case = new_case()
    _age(case, 200)
    start = timezone.localtime(timezone.now() - timedelta(days=201)).isoformat(timespec="seconds")
    data = get(client, "requests", "json", start_date=start)
    assert [r["service_request_id"] for r in data] == [case.number]
    end = timezone.localtime(timezone.now() - timedelta(days=199)).isoformat(timespec="seconds")
    data = get(client, "requests", "json", end_date=end)
    assert [r["service_request_id"] for r in data] == [case.number]


def test_w3_datetimes_with_offsets_and_z(client, new_case):
    case = new_case()
    created = case.created_at
    utc = (created - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(get(client, "requests", "json", start_date=utc)) == 1
    after = timezone.localtime(created + timedelta(minutes=1)).isoformat(timespec="seconds")
    assert get(client, "requests", "json", start_date=after) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2024-13-45"},
        {"start_date": "2024-01-01", "end_date": "2024-06-01"},  # more than 90 days
        {"start_date": "2024-06-01", "end_date": "2024-05-01"},
    ],
)
def test_bad_dates_are_400(client, fmt, params, personas):
    code, description = error_of(get(client, "requests", fmt, expect=400, **params), fmt)
    assert code == 400
    assert description


def test_at_most_1000_results(client, new_case):
    from meihao.cases.models import Case

    template = new_case()
    now = timezone.now()
    Case.objects.bulk_create(
        [
            Case(
                number=f"WGBULK{i:05d}",
                case_type_id=template.case_type_id,
                category_id=template.category_id,
                description="批量",
                place_id=template.place_id,
                place_path=template.place_path,
                channel=template.channel,
                status="accepted",
                created_at=now - timedelta(minutes=i + 1),
                updated_at=now,
            )
            for i in range(1005)
        ]
    )
    data = get(client, "requests", "json")
    assert len(data) == 1000
    # Newest first: the template (filed last) leads, the oldest bulk rows are cut.
    assert data[0]["service_request_id"] == template.number
    assert data[-1]["service_request_id"] == "WGBULK00998"
    root = get(client, "requests", "xml")
    assert len(root) == 1000


def test_list_query_count_does_not_grow_with_the_list(client, new_case, api_key, personas):
    from meihao.cases.services import case_dispatch

    def queries():
        with CaptureQueriesContext(connection) as captured:
            get(client, "requests", "json")
        return len(captured)

    _accept(post(client, "json", **report(api_key))[0]["service_request_id"], personas)
    case_dispatch(case=new_case(), actor=personas.street_chief_a, organisation=personas.department)
    small = queries()
    for _ in range(6):
        _accept(post(client, "json", **report(api_key))[0]["service_request_id"], personas)
        case_dispatch(
            case=new_case(), actor=personas.street_chief_a, organisation=personas.department
        )
    assert len(get(client, "requests", "json")) == 14
    assert queries() == small


# ---------------------------------------------------------------------------------------------
# Privacy


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_names_or_phones_in_any_output(client, fmt, api_key, new_case, personas):
    new_case(description="王小明 13912345678 报告：摊贩占道", reporter_name="王小明")
    _accept(post(client, "json", **report(api_key))[0]["service_request_id"], personas)
    bodies = [
        client.get(f"/open311/v2/requests.{fmt}").content.decode(),
    ]
    for data in requests_of(get(client, "requests", fmt), fmt):
        number = data["service_request_id"]
        bodies.append(client.get(f"/open311/v2/requests/{number}.{fmt}").content.decode())
        bodies.append(client.get(f"/open311/v2/tokens/{number}.{fmt}").content.decode())
    for body in bodies:
        for secret in (
            "王小明",
            "13912345678",
            "李小红",
            "小红",
            "13987654321",
            "li@example.com",
            "device-42",
            "网格员甲",
            "13800000001",
            "13800000311",
            api_key,
        ):
            assert secret not in body, secret
    listed = requests_of(get(client, "requests", fmt), fmt)
    assert any("王** *********** 报告" in r["description"] for r in listed)


def test_json_is_utf8_not_escaped(client, new_case):
    new_case()
    body = client.get("/open311/v2/requests.json").content
    assert "乱摆卖".encode() in body
    json.loads(body)
