"""GET /api/v1/indicators and /api/v1/indicators/{code}: the registry for other systems."""

import pytest

MAY = {"start": "2024-05-01", "end": "2024-05-31"}


def get(client, user, url, **params):
    if user is not None:
        client.force_login(user)
    return client.get(url, params)


def test_the_list_has_names_in_both_languages_and_follows_the_roles(client, personas):
    body = get(client, personas.community_staff_a, "/api/v1/indicators").json()
    by_code = {item["code"]: item for item in body["items"]}
    assert body["count"] == len(body["items"])
    rate = by_code["acceptance_rate"]
    assert rate["name_zh"] == "立案率" and rate["name_en"] == "Acceptance rate"
    assert rate["unit"] == "%" and rate["definition"]
    # The definition in both languages too, whatever the caller's.
    assert rate["definition_zh"] == "本期上报案件中已立案的比例（不含重复案件）。"
    assert rate["definition_en"].startswith("Cases accepted (立案) of the cases filed")
    assert rate["definition"] == rate["definition_zh"]
    assert rate["capability"]["code"] == "cases"
    assert by_code["service_hours"]["capability"]["code"] == "volunteering"
    grid_worker = get(client, personas.grid_worker_a, "/api/v1/indicators").json()
    assert "acceptance_rate" in {i["code"] for i in grid_worker["items"]}
    assert "service_hours" not in {i["code"] for i in grid_worker["items"]}
    assert get(client, personas.resident_a, "/api/v1/indicators").json() == {
        "items": [],
        "count": 0,
    }


def test_anonymous_callers_are_401(client, db):
    assert client.get("/api/v1/indicators").status_code == 401
    assert client.get("/api/v1/indicators/reports_filed").status_code == 401


def test_a_value_with_numerator_denominator_and_the_records_page(client, month):
    response = get(
        client,
        month.personas.street_chief_a,
        "/api/v1/indicators/acceptance_rate",
        place="450403001",
        **MAY,
    )
    assert response.status_code == 200
    assert response.json() == {
        "code": "acceptance_rate",
        "unit": "%",
        "place": "450403001",
        "case_type": "",
        "channel": "",
        "department": None,
        "team": None,
        "start": "2024-05-01",
        "end": "2024-05-31",
        "value": 50.0,
        "numerator": 2,
        "denominator": 4,
        "records_url": "http://testserver/insights/indicators/acceptance_rate/"
        "?place=450403001&start=2024-05-01&end=2024-05-31",
    }
    count = get(client, month.personas.district_admin, "/api/v1/indicators/reports_filed", **MAY)
    assert count.json()["place"] == "450403"  # the widest place by default
    assert (count.json()["value"], count.json()["denominator"]) == (6, None)


@pytest.mark.parametrize(
    ("persona", "code", "place"),
    [
        ("community_staff_a", "reports_filed", "450403002001"),  # community B
        ("street_chief_a", "reports_filed", "450403002"),
        ("resident_a", "reports_filed", ""),
        ("grid_worker_a", "service_hours", ""),
        ("district_admin", "no_such_indicator", ""),
    ],
)
def test_outside_the_users_scope_is_404(client, month, persona, code, place):
    user = getattr(month.personas, persona)
    response = get(client, user, f"/api/v1/indicators/{code}", place=place, **MAY)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_bad_period_is_400_in_chinese(client, month):
    response = get(
        client,
        month.personas.district_admin,
        "/api/v1/indicators/reports_filed",
        start="2024-05-31",
        end="2024-05-01",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["message"] == "统计期的结束日期不能早于开始日期。"
