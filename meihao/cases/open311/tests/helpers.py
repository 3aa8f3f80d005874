"""Fetch and parse Open311 answers in either format, checking the spec's headers."""

import json
from xml.etree import ElementTree

BASE = "/open311/v2/"


def parse(response, fmt: str):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def get(client, path: str, fmt: str, expect: int = 200, **params):
    response = client.get(f"{BASE}{path}.{fmt}", params)
    assert response.status_code == expect, response.content.decode()
    return parse(response, fmt)


def post(client, fmt: str, expect: int = 200, **params):
    response = client.post(f"{BASE}requests.{fmt}", params)
    assert response.status_code == expect, response.content.decode()
    return parse(response, fmt)


def children(element) -> list[str]:
    return [child.tag for child in element]


def error_of(data, fmt: str) -> tuple[int, str]:
    """(code, description) of the single error in either format."""
    if fmt == "json":
        assert isinstance(data, list) and len(data) == 1
        assert set(data[0]) == {"code", "description"}
        return data[0]["code"], data[0]["description"]
    assert data.tag == "errors"
    assert children(data) == ["error"]
    error = data.find("error")
    assert children(error) == ["code", "description"]
    return int(error.findtext("code")), error.findtext("description")


def requests_of(data, fmt: str) -> list[dict]:
    """Service requests as dicts of text (XML) or values (JSON)."""
    if fmt == "json":
        assert isinstance(data, list)
        return data
    assert data.tag == "service_requests"
    assert set(children(data)) <= {"request"}
    return [{child.tag: child.text for child in request} for request in data]
