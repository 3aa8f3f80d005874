"""The volunteers API: register, my profile with hours and star, the team directory."""

import datetime

import pytest

from meihao.core.roles import Role
from meihao.people.models import RoleAssignment
from meihao.volunteers import consent
from meihao.volunteers.models import VolunteerProfile
from meihao.volunteers.tests.helpers import credit, id_number, register

pytestmark = pytest.mark.django_db
ENDPOINTS = [
    ("get", "/api/v1/volunteers/me"),
    ("get", "/api/v1/volunteers/teams"),
    ("get", "/api/v1/volunteers/consent"),
    ("post", "/api/v1/volunteers/register"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_is_401(client, personas, method, url):
    response = getattr(client, method)(url, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def register_body(**overrides):
    body = {
        "consent": True,
        "real_name": "居民甲",
        "id_number": id_number(datetime.date(1985, 8, 8)),
        "service_areas": ["safety"],
    }
    body.update(overrides)
    return body


def test_register_and_read_my_profile(client, personas, settings):
    settings.VOLUNTEER_STAR_HOURS = (1, 5)
    client.force_login(personas.resident_a)
    assert client.get("/api/v1/volunteers/me").status_code == 404
    response = client.post(
        "/api/v1/volunteers/register", register_body(), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["community"] == {"code": "450403001001", "name": "骑楼社区"}
    assert body["consent_version"] == consent.VERSION
    assert (body["minutes"], body["star"], body["next_star_hours"]) == (0, 0, 1.0)
    assert RoleAssignment.objects.filter(user=personas.resident_a, role=Role.VOLUNTEER).exists()
    credit(personas, VolunteerProfile.objects.get().person, 75)
    me = client.get("/api/v1/volunteers/me").json()
    assert (me["minutes"], me["hours"], me["star"], me["next_star_hours"]) == (75, 1.25, 1, 3.75)


def test_register_without_consent_is_400_and_changes_nothing(client, personas):
    client.force_login(personas.resident_a)
    response = client.post(
        "/api/v1/volunteers/register",
        register_body(consent=False),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "consent_required"
    assert response.json()["field"] == "consent"
    assert not VolunteerProfile.objects.exists()


def test_register_minor_needs_guardian(client, personas):
    client.force_login(personas.resident_a)
    minor = register_body(id_number=id_number(datetime.date(2015, 1, 1)))
    response = client.post("/api/v1/volunteers/register", minor, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "guardian_name"
    minor.update(guardian_name="家长", guardian_phone="13912345678", guardian_consent=True)
    response = client.post("/api/v1/volunteers/register", minor, content_type="application/json")
    assert response.status_code == 201


def test_register_unknown_community_is_400(client, personas):
    client.force_login(personas.resident_a)
    response = client.post(
        "/api/v1/volunteers/register",
        register_body(community="999999999999"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "community"


def test_consent_text(client, personas):
    client.force_login(personas.outsider)
    body = client.get("/api/v1/volunteers/consent").json()
    assert body["version"] == consent.VERSION
    assert len(body["text"]) > 50 and "<" not in body["text"]


def test_teams(client, personas, alliance):
    client.force_login(personas.resident_b)
    body = client.get("/api/v1/volunteers/teams?tier=team&limit=2").json()
    assert body["count"] == 4
    assert len(body["items"]) == 2
    assert {item["tier"] for item in body["items"]} == {"team"}
    paired = client.get("/api/v1/volunteers/teams?community=450403002001").json()
    assert [item["name"] for item in paired["items"]] == ["河东志愿服务队"]
    assert client.get("/api/v1/volunteers/teams?tier=galaxy").status_code == 400
    assert client.get("/api/v1/volunteers/teams?kind=lecture").status_code == 400
    assert client.get("/api/v1/volunteers/teams?community=1").status_code == 400


@pytest.mark.parametrize("persona", ["volunteer_a", "outsider", "district_admin"])
def test_me_is_404_for_everyone_not_registered(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get("/api/v1/volunteers/me").status_code == 404


def test_me_shows_only_my_own_profile(client, personas):
    register(personas.volunteer_a)
    client.force_login(personas.community_staff_a)
    assert client.get("/api/v1/volunteers/me").status_code == 404
    client.force_login(personas.volunteer_a)
    assert client.get("/api/v1/volunteers/me").json()["real_name"] == "志愿者甲"
