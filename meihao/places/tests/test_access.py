"""Every persona against every way of reading a place: in scope 200, out of scope 404,
anonymous 401 (API) or a redirect to log in (pages); a denied call changes nothing."""

import pytest
from django.urls import reverse

from meihao.core.models import AuditEvent
from meihao.places.models import Level, Place

from .factories import other_district

# persona → (a place in scope, places out of scope). The other district (450405) is outside
# every persona's scope, including the district administrator's and the department's.
SCOPES = {
    "grid_worker_a": ("grid_a1", ["grid_a2", "grid_b1", "other"]),
    "grid_worker_b": ("grid_b1", ["grid_a1", "community_a", "other"]),
    "community_staff_a": ("grid_a2", ["street_b", "grid_b1", "other"]),
    "street_chief_a": ("community_a", ["street_b", "community_b", "other"]),
    "department_staff": ("grid_b1", ["other"]),
    "district_admin": ("street_b", ["other"]),
    "resident_a": ("grid_a1", ["grid_a2", "community_b", "other"]),
    "resident_b": ("grid_b1", ["grid_a1", "other"]),
    "outsider": (None, ["district", "grid_a1", "other"]),
    "volunteer_a": ("grid_a2", ["street_b", "grid_b1", "other"]),
    "party_member_a": ("grid_a1", ["street_b", "community_b", "other"]),
    "merchant_staff": ("grid_a1", ["street_b", "grid_b1", "other"]),
}


def _place(personas, other, name) -> Place:
    return other if name == "other" else getattr(personas.tree, name)


def _state():
    return (
        sorted(Place.objects.values_list("code", "name", "path", "boundary", "updated_at")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def world(personas):
    return personas, other_district()


def test_personas_cover_every_persona(personas):
    assert set(SCOPES) == set(personas.all())


@pytest.mark.parametrize("persona", list(SCOPES))
def test_persona_reads_in_scope_place(world, client, persona):
    personas, other = world
    in_scope, _ = SCOPES[persona]
    client.force_login(personas.all()[persona])
    assert client.get(reverse("places:browser")).status_code == 200
    if in_scope is None:
        return
    place = _place(personas, other, in_scope)
    before = _state()
    assert client.get(reverse("places:detail", args=[place.code])).status_code == 200
    response = client.get(f"/api/v1/places/{place.code}")
    assert response.status_code == 200
    assert response.json()["code"] == place.code
    listed = client.get("/api/v1/places", {"parent": place.parent_code, "limit": 100}).json()
    assert place.code in {item["code"] for item in listed["items"]}
    assert _state() == before


@pytest.mark.parametrize(
    ("persona", "out_of_scope"),
    [(persona, name) for persona, (_, names) in SCOPES.items() for name in names],
)
def test_persona_gets_404_for_out_of_scope_place(world, client, persona, out_of_scope):
    personas, other = world
    place = _place(personas, other, out_of_scope)
    client.force_login(personas.all()[persona])
    before = _state()
    page = client.get(reverse("places:detail", args=[place.code]))
    assert page.status_code == 404
    api = client.get(f"/api/v1/places/{place.code}")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    assert place.name not in api.content.decode()
    listed = client.get("/api/v1/places", {"limit": 100}).json()
    assert place.code not in {item["code"] for item in listed["items"]}
    children = client.get("/api/v1/places", {"parent": place.code, "limit": 100}).json()
    assert children == {"items": [], "count": 0}
    if place.boundary:
        lat, lon = place.centroid_lat, place.centroid_lon
        located = client.get("/api/v1/places/locate", {"lat": lat, "lon": lon})
        if place.level == Level.GRID:
            assert located.status_code == 404
    assert _state() == before


def test_every_persona_sees_exactly_its_subtree_and_ancestors(world, client):
    personas, other = world
    expected = {
        "grid_worker_a": {"district", "street_a", "community_a", "grid_a1"},
        "grid_worker_b": {"district", "street_b", "community_b", "grid_b1"},
        "community_staff_a": {"district", "street_a", "community_a", "grid_a1", "grid_a2"},
        "street_chief_a": {"district", "street_a", "community_a", "grid_a1", "grid_a2"},
        "department_staff": {
            "district",
            "street_a",
            "street_b",
            "community_a",
            "community_b",
            "grid_a1",
            "grid_a2",
            "grid_b1",
        },
        "resident_a": {"district", "street_a", "community_a", "grid_a1"},
        "resident_b": {"district", "street_b", "community_b", "grid_b1"},
        "outsider": set(),
    }
    expected["district_admin"] = expected["department_staff"]
    for persona, names in expected.items():
        client.force_login(personas.all()[persona])
        listed = client.get("/api/v1/places", {"limit": 100}).json()
        codes = {item["code"] for item in listed["items"]}
        assert codes == {getattr(personas.tree, n).code for n in names}, persona
        assert listed["count"] == len(names)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/places",
        "/api/v1/places/450403",
        "/api/v1/places/locate?lat=23.41&lon=111.205",
    ],
)
def test_anonymous_api_call_is_401(tree, client, url):
    before = _state()
    response = client.get(url)
    assert response.status_code == 401
    assert "骑楼" not in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("name", ["browser", "detail"])
def test_anonymous_page_redirects_to_log_in(tree, client, name):
    url = reverse(f"places:{name}", args=[tree.grid_a1.code] if name == "detail" else [])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_code_is_404_like_out_of_scope(personas, client):
    client.force_login(personas.district_admin)
    assert client.get(reverse("places:detail", args=["999999"])).status_code == 404
    assert client.get("/api/v1/places/999999").status_code == 404
    assert client.get("/api/v1/places/not-a-code").status_code == 404


def test_pages_refuse_writes(personas, client):
    client.force_login(personas.district_admin)
    before = _state()
    url = reverse("places:detail", args=[personas.tree.grid_a1.code])
    assert client.post(url, {"name": "改名"}).status_code == 405
    assert _state() == before


ABILITIES = {
    # persona: (grid_a1, street_b)
    "grid_worker_a": (
        {"view": True, "edit": False, "view_people": True},
        {"view": False, "edit": False, "view_people": False},
    ),
    "community_staff_a": (
        {"view": True, "edit": False, "view_people": True},
        {"view": False, "edit": False, "view_people": False},
    ),
    "department_staff": (
        {"view": True, "edit": False, "view_people": False},
        {"view": True, "edit": False, "view_people": False},
    ),
    "district_admin": (
        {"view": True, "edit": True, "view_people": True},
        {"view": True, "edit": True, "view_people": True},
    ),
    "resident_a": (
        {"view": True, "edit": False, "view_people": False},
        {"view": False, "edit": False, "view_people": False},
    ),
    "outsider": (
        {"view": False, "edit": False, "view_people": False},
        {"view": False, "edit": False, "view_people": False},
    ),
}


@pytest.mark.parametrize("persona", list(ABILITIES))
def test_abilities_per_persona(personas, persona, django_assert_max_num_queries):
    user = personas.all()[persona]
    grid, street = personas.tree.grid_a1, personas.tree.street_b
    with django_assert_max_num_queries(1):  # the user's scopes, once
        got = (grid.abilities(user), street.abilities(user))
        grid.abilities(user)
    assert got == ABILITIES[persona]


def test_street_chief_sees_street_b_as_nothing_but_its_district_as_an_ancestor(personas):
    chief = personas.street_chief_a
    assert personas.tree.district.abilities(chief) == {
        "view": True,
        "edit": False,
        "view_people": False,
    }
    assert personas.tree.street_b.abilities(chief)["view"] is False


def test_abilities_in_api_match_the_model(personas, client):
    client.force_login(personas.community_staff_a)
    body = client.get("/api/v1/places/450403001001001").json()
    assert body["abilities"] == {"view": True, "edit": False, "view_people": True}
    body = client.get("/api/v1/places/450403").json()
    assert body["abilities"] == {"view": True, "edit": False, "view_people": False}


def test_pages_and_errors_speak_chinese_by_default(personas, client):
    client.force_login(personas.community_staff_a)
    html = client.get(reverse("places:detail", args=[personas.tree.community_a.code])).content
    html = html.decode()
    assert "下级地点" in html
    assert "名居民" in html
    assert ">网格<" in html
