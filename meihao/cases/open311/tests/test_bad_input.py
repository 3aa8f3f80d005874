"""Bad input to Open311 answers a GeoReport error (4xx) in the user's language, never a 500, and
its XML is always well-formed."""

import re
from xml.etree import ElementTree

import pytest

from meihao.cases.models import Case
from meihao.cases.open311.tests.helpers import BASE, error_of, get, parse, post
from meihao.cases.open311.tests.test_requests import report

FORMATS = ["json", "xml"]
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "0001-01-01"},
        {"end_date": "0001-01-01T00:00:00+08:00"},
        {"start_date": "9999-12-31"},
        {"start_date": "2024-02-30"},
        {"end_date": "2024-02-30T09:00:00+08:00"},
        {"start_date": "２０２４-０１-０１"},
    ],
)
def test_out_of_range_and_impossible_dates_are_400(client, fmt, params, personas):
    code, description = error_of(get(client, "requests", fmt, expect=400, **params), fmt)
    assert code == 400
    assert CJK.search(description)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("field", ["description", "address_string", "first_name", "device_id"])
@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
def test_control_characters_are_refused_and_nothing_is_filed(
    client, fmt, api_key, field, character
):
    params = report(api_key, **{field: f"校门口{character}摊贩"})
    code, description = error_of(post(client, fmt, expect=400, **params), fmt)
    assert code == 400
    assert CJK.search(description)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_a_query_are_a_georeport_400(client, fmt, personas):
    code, _description = error_of(
        get(client, "requests", fmt, expect=400, service_code="05\x0001"), fmt
    )
    assert code == 400


def test_stored_control_characters_never_break_the_xml(client, new_case):
    """Rows stored before the refusal existed still give well-formed XML (\x01, not NUL, which
    PostgreSQL's text refuses to store at all)."""
    case = new_case()
    Case.objects.filter(pk=case.pk).update(description="摊贩\x01摆卖\x1b[31m\ufffe")
    response = client.get(f"{BASE}requests/{case.number}.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # raises if not well-formed
    assert root.find("request").findtext("description").startswith("摊贩摆卖[31m")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["discovery", "services", "services/0501", "requests", "requests/X1", "tokens/X1"]
)
def test_writes_to_read_only_resources_are_a_georeport_405(client, fmt, method, path, personas):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = getattr(browser, method)(f"{BASE}{path}.{fmt}")
    assert response.status_code == 405
    code, description = error_of(parse(response, fmt), fmt)
    assert code == 405
    assert CJK.search(description)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("field", ["description", "address_string", "first_name", "phone"])
def test_over_long_text_is_refused_in_words(client, fmt, api_key, field):
    code, description = error_of(
        post(client, fmt, expect=400, **report(api_key, **{field: "长" * 10_000})), fmt
    )
    assert code == 400
    assert CJK.search(description)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("value", ["²", "9" * 5000, str(2**63)])
def test_unreadable_numbers_are_refused_in_words(client, fmt, api_key, value):
    code, description = error_of(post(client, fmt, expect=400, **report(api_key, lat=value)), fmt)
    assert code == 400
    assert CJK.search(description)
    assert not Case.objects.exists()
