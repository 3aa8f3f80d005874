"""GeoReport v2 shapes, and their JSON and XML renderings.

Every endpoint builds plain Python data (lists of dicts, as the spec's JSON examples); `render`
turns it into JSON, or into XML with the element names of the spec's XML examples:
<services><service>, <service_definition>, <service_requests><request>, <discovery>,
<errors><error>. In XML, None is an empty element and booleans are `true` / `false`.
"""

import json
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.models import Case, SlaUnit
from meihao.cases.publication import PublicCase
from meihao.cases.states import TERMINAL_STATES
from meihao.core.inputs import xml_safe

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The element name of one item of each list, as in the spec's XML examples.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3_datetime(value) -> str | None:
    """ISO 8601 / W3C-DTF with the Asia/Shanghai offset: 2024-05-20T09:00:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _xml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Rows stored before control characters were refused may still hold them; the XML must
    # stay well-formed.
    return xml_safe(str(value))


def _xml_fill(element, value, tag: str):
    if isinstance(value, list):
        item_tag = XML_ITEMS.get(tag, "item")
        for item in value:
            _xml_fill(ElementTree.SubElement(element, item_tag), item, item_tag)
    elif isinstance(value, dict):
        for key, child in value.items():
            _xml_fill(ElementTree.SubElement(element, key), child, key)
    else:
        element.text = _xml_text(value)


def to_xml(root: str, data) -> bytes:
    element = ElementTree.Element(root)
    _xml_fill(element, data, root)
    return (XML_DECLARATION + ElementTree.tostring(element, encoding="unicode")).encode("utf-8")


def render(data, *, root: str, fmt: str, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), content_type=XML_TYPE, status=status)
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body.encode("utf-8"), content_type=JSON_TYPE, status=status)


def error(status: int, description, *, fmt: str) -> HttpResponse:
    """The spec's error format: [{"code": 400, "description": "…"}], HTTP status = code."""
    return render(
        [{"code": status, "description": str(description)}], root="errors", fmt=fmt, status=status
    )


# ---------------------------------------------------------------------------------------------
# Services


def service_data(service) -> dict:
    category = service.category
    example = category.example if category is not None else ""
    description = service.name
    if example:
        description = _("%(name)s. For example: %(example)s") % {
            "name": service.name,
            "example": example,
        }
    keywords = ", ".join(category.keywords.split()) if category is not None else ""
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": description,
        "metadata": bool(service.schema.get("properties")),
        "type": "realtime",
        "keywords": keywords,
        "group": service.group,
    }


def _datatype(spec: dict) -> str:
    if "enum" in spec or spec["type"] == "boolean":
        return "singlevaluelist"
    if spec["type"] in ("integer", "number"):
        return "number"
    # Free text beyond a line is a text area (the spec's `text`), else a one-line `string`.
    return "text" if spec.get("maxLength", 0) > 100 else "string"


def _datatype_description(spec: dict) -> str | None:
    kind = spec["type"]
    low, high = spec.get("minimum"), spec.get("maximum")
    if kind in ("integer", "number"):
        what = _("A whole number") if kind == "integer" else _("A number")
        if low is not None and high is not None:
            return _("%(what)s from %(low)s to %(high)s.") % {
                "what": what,
                "low": low,
                "high": high,
            }
        if low is not None:
            return _("%(what)s of at least %(low)s.") % {"what": what, "low": low}
        if high is not None:
            return _("%(what)s of at most %(high)s.") % {"what": what, "high": high}
        return f"{what}."
    if kind == "string" and "maxLength" in spec and "enum" not in spec:
        return _("At most %(limit)s characters.") % {"limit": spec["maxLength"]}
    return None


def _values(spec: dict) -> list[dict] | None:
    if spec["type"] == "boolean":
        return [{"key": "true", "name": _("Yes")}, {"key": "false", "name": _("No")}]
    if "enum" in spec:
        return [{"key": value, "name": str(value)} for value in spec["enum"]]
    return None


def service_definition_data(service) -> dict:
    """The definition; its attributes are the case type's form fields (cases.formschema)."""
    schema = service.schema
    required = set(schema.get("required", []))
    # PostgreSQL's jsonb does not keep the order of keys, so the order is a rule of its own:
    # required fields first, then by code.
    fields = sorted(
        schema.get("properties", {}).items(), key=lambda f: (f[0] not in required, f[0])
    )
    attributes = []
    for order, (name, spec) in enumerate(fields, start=1):
        description = spec.get("title", name)
        if spec.get("description"):
            description = f"{description}: {spec['description']}"
        attribute = {
            "variable": True,
            "code": name,
            "datatype": _datatype(spec),
            "required": name in required,
            "datatype_description": _datatype_description(spec),
            "order": order,
            "description": description,
        }
        values = _values(spec)
        if values is not None:
            attribute["values"] = values
        attributes.append(attribute)
    return {"service_code": service.code, "attributes": attributes}


# ---------------------------------------------------------------------------------------------
# Service requests


def open311_status(status: str) -> str:
    """GeoReport has two states: terminal ones (closed, rejected, duplicate, void) are closed."""
    return "closed" if status in TERMINAL_STATES else "open"


def request_data(public: PublicCase, *, service_code: str, media_url: str = "") -> dict:
    """One service request: the case's public representation (cases.publication), so no
    reporter, no phone or ID number, no address beyond the grid, the grid's centroid."""
    return {
        "service_request_id": public.number,
        "status": open311_status(public.status),
        "status_notes": public.status_label,
        "service_name": public.class_name,
        "service_code": service_code,
        "description": public.description,
        "agency_responsible": public.agency or None,
        "service_notice": None,
        "requested_datetime": w3_datetime(public.created_at),
        "updated_datetime": w3_datetime(public.updated_at),
        "expected_datetime": w3_datetime(public.resolve_by),
        "address": public.place_name,
        "address_id": None,
        "zipcode": None,
        "lat": public.lat,
        "long": public.lon,
        "media_url": media_url or None,
    }


def service_notice(case: Case) -> str:
    case_type = case.case_type
    return _("Received as %(number)s. It will be answered within %(limit)s %(unit)s.") % {
        "number": case.number,
        "limit": case_type.response_limit,
        "unit": SlaUnit(case_type.response_unit).label,
    }


def created_data(case: Case) -> dict:
    return {
        "service_request_id": case.number,
        "service_notice": service_notice(case),
        "account_id": None,
    }
