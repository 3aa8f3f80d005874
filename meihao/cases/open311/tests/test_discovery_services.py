"""Contract tests: discovery, the service list and service definitions, in JSON and XML."""

import pytest

from meihao.cases.open311.tests.helpers import children, error_of, get

FORMATS = ["json", "xml"]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema_type(grid_type):
    """The grid type with form fields of every supported kind."""
    grid_type.form_schema = {
        "type": "object",
        "properties": {
            "shop_name": {"type": "string", "title": "店名", "maxLength": 50},
            "details": {"type": "string", "title": "详情", "maxLength": 500},
            "stalls": {"type": "integer", "title": "摊位数", "minimum": 1, "maximum": 99},
            "kind": {"type": "string", "title": "种类", "enum": ["food", "goods"]},
            "blocks_exit": {"type": "boolean", "title": "堵塞出口", "description": "是否堵塞"},
        },
        "required": ["stalls"],
    }
    grid_type.save()
    return grid_type


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, fmt, grid_type):
    data = get(client, "discovery", fmt)
    if fmt == "xml":
        assert data.tag == "discovery"
        assert children(data) == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = data.find("endpoints/endpoint")
        assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
        data = {
            "changeset": data.findtext("changeset"),
            "endpoints": [{"url": endpoint.findtext("url"), "type": endpoint.findtext("type")}],
        }
    else:
        assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
        assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
        assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert data["endpoints"][0]["type"] == "production"
    assert data["changeset"].endswith("+08:00")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_one_per_minor_class_of_public_types(client, fmt, grid_type):
    from meihao.cases.models import CaseCategory

    data = get(client, "services", fmt)
    minors = CaseCategory.objects.filter(case_type=grid_type, parent__isnull=False)
    if fmt == "xml":
        assert data.tag == "services"
        assert set(children(data)) == {"service"}
        for service in data:
            assert children(service) == SERVICE_FIELDS
        data = [{child.tag: child.text for child in service} for service in data]
    else:
        for service in data:
            assert list(service) == SERVICE_FIELDS
    assert [s["service_code"] for s in data] == sorted(m.code for m in minors)
    vending = next(s for s in data if s["service_code"] == "0501")
    assert vending["service_name"] == "乱摆卖"
    assert vending["group"] == "街面秩序"
    assert vending["type"] == "realtime"
    assert vending["metadata"] in (False, "false")
    assert "流动摊贩" in vending["keywords"]


def test_services_leave_out_private_inactive_and_non_public_types(client, grid_type, personas):
    from meihao.cases.models import CaseType

    grid_type.categories.filter(code="0501").update(is_active=False)
    CaseType.objects.create(
        code="XINFANG", number_prefix="XF", name_zh="网上信访", public_may_submit=False
    )
    CaseType.objects.create(
        code="DONATION", number_prefix="JZ", name_zh="爱心捐赠", public_may_submit=True
    )
    codes = [s["service_code"] for s in get(client, "services", "json")]
    assert "0501" not in codes
    assert "XINFANG" not in codes and "PETITION" not in codes
    # A public type without classes is one service, named by its type code.
    assert "DONATION" in codes


def test_services_qualify_codes_shared_by_two_public_types(client, grid_type):
    from meihao.cases.models import CaseCategory, CaseType

    other = CaseType.objects.create(
        code="POLICE", number_prefix="JQ", name_zh="警情线索", public_may_submit=True
    )
    major = CaseCategory.objects.create(case_type=other, code="05", name_zh="治安")
    CaseCategory.objects.create(case_type=other, parent=major, code="0501", name_zh="打架")
    codes = [s["service_code"] for s in get(client, "services", "json")]
    assert "0501" not in codes
    assert {"GRID-0501", "POLICE-0501"} <= set(codes)
    definition = get(client, "services/POLICE-0501", "json")
    assert definition["service_code"] == "POLICE-0501"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_attributes_come_from_the_form_schema(client, fmt, schema_type):
    data = get(client, "services/0501", fmt)
    if fmt == "xml":
        assert data.tag == "service_definition"
        assert children(data) == ["service_code", "attributes"]
        assert set(children(data.find("attributes"))) == {"attribute"}
        first = data.find("attributes/attribute")
        assert children(first) == [
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        ]
        kind = data.findall("attributes/attribute")[3]
        assert kind.findtext("code") == "kind"
        assert [(v.findtext("key"), v.findtext("name")) for v in kind.find("values")] == [
            ("food", "food"),
            ("goods", "goods"),
        ]
        attributes = [
            {child.tag: child.text for child in a if child.tag != "values"}
            for a in data.find("attributes")
        ]
        assert data.findtext("service_code") == "0501"
        assert attributes[0]["required"] == "true"
        assert attributes[1]["required"] == "false"
        assert attributes[0]["order"] == "1"
    else:
        assert data["service_code"] == "0501"
        attributes = data["attributes"]
        assert attributes[3]["values"] == [
            {"key": "food", "name": "food"},
            {"key": "goods", "name": "goods"},
        ]
        assert attributes[1]["values"][0]["key"] == "true"
        assert [a["required"] for a in attributes] == [True, False, False, False, False]
        assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5]
        assert all(a["variable"] is True for a in attributes)
    # Required fields first, then by code (jsonb keeps no key order).
    assert [a["code"] for a in attributes] == [
        "stalls",
        "blocks_exit",
        "details",
        "kind",
        "shop_name",
    ]
    assert [a["datatype"] for a in attributes] == [
        "number",
        "singlevaluelist",
        "text",
        "singlevaluelist",
        "string",
    ]
    assert attributes[4]["description"] == "店名"
    assert attributes[1]["description"] == "堵塞出口: 是否堵塞"
    assert "99" in attributes[0]["datatype_description"]


def test_metadata_is_true_when_the_type_has_form_fields(client, schema_type):
    vending = next(s for s in get(client, "services", "json") if s["service_code"] == "0501")
    assert vending["metadata"] is True


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_404_in_the_spec_format(client, fmt, grid_type):
    code, description = error_of(get(client, "services/9999", fmt, expect=404), fmt)
    assert code == 404
    assert "9999" in description


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", ["services", "services/0501", "requests", "discovery"])
def test_jurisdiction_is_the_district_code(client, fmt, path, personas):
    get(client, path, fmt, jurisdiction_id="450403")
    if path != "discovery":
        code, description = error_of(
            get(client, path, fmt, expect=404, jurisdiction_id="110101"), fmt
        )
        assert code == 404
        assert "110101" in description


def test_unknown_format_is_not_routed(client, grid_type):
    assert client.get("/open311/v2/services.csv").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_refuse_other_methods(client, fmt, grid_type):
    response = client.post(f"/open311/v2/services.{fmt}")
    assert response.status_code == 405
