import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.places.models import Level

from .factories import add_grids


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.district_admin)
    return client


def test_list_filters_by_level_and_parent(admin_client, personas):
    body = admin_client.get("/api/v1/places", {"level": "grid"}).json()
    assert [item["code"] for item in body["items"]] == [
        "450403001001001",
        "450403001001002",
        "450403002001001",
    ]
    assert body["count"] == 3
    body = admin_client.get("/api/v1/places", {"parent": "450403001001"}).json()
    assert body["count"] == 2
    assert {item["parent_code"] for item in body["items"]} == {"450403001001"}
    body = admin_client.get("/api/v1/places", {"level": "street", "parent": "450403"}).json()
    assert [item["name"] for item in body["items"]] == ["城东街道", "城南街道"]


def test_list_item_shape(admin_client, personas):
    body = admin_client.get("/api/v1/places", {"level": "community", "q": "骑楼"}).json()
    assert body == {
        "count": 1,
        "items": [
            {
                "code": "450403001001",
                "name": "骑楼社区",
                "level": "community",
                "parent_code": "450403001",
                "path": "450403/450403001/450403001001/",
                "centroid": {"lat": pytest.approx(23.41), "lon": pytest.approx(111.21)},
                "abilities": {"view": True, "edit": True, "view_people": True},
            }
        ],
    }


def test_search_by_name_or_code_prefix(admin_client, personas):
    assert admin_client.get("/api/v1/places", {"q": "河东"}).json()["count"] == 2
    assert admin_client.get("/api/v1/places", {"q": "450403002"}).json()["count"] == 3


def test_pagination(admin_client, personas):
    add_grids(personas.tree.community_a, 7)
    first = admin_client.get("/api/v1/places", {"level": "grid", "limit": 4}).json()
    second = admin_client.get("/api/v1/places", {"level": "grid", "limit": 4, "offset": 4}).json()
    third = admin_client.get("/api/v1/places", {"level": "grid", "limit": 4, "offset": 8}).json()
    assert first["count"] == second["count"] == third["count"] == 10
    codes = [i["code"] for page in (first, second, third) for i in page["items"]]
    assert len(codes) == len(set(codes)) == 10
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    "params",
    [
        {"level": "province"},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"parent": "12345"},
        {"q": "x" * 51},
    ],
)
def test_list_refuses_bad_parameters(admin_client, params):
    response = admin_client.get("/api/v1/places", params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_detail_has_boundary_and_ancestors(admin_client, personas):
    body = admin_client.get("/api/v1/places/450403001001002").json()
    assert body["boundary"] == personas.tree.grid_a2.boundary
    assert body["parent_code"] == "450403001001"
    assert [a["code"] for a in body["ancestors"]] == ["450403", "450403001", "450403001001"]


def test_locate_inside_and_on_the_shared_edge(admin_client, personas):
    body = admin_client.get("/api/v1/places/locate", {"lat": 23.41, "lon": 111.215}).json()
    assert body["code"] == personas.tree.grid_a2.code
    body = admin_client.get("/api/v1/places/locate", {"lat": 23.41, "lon": 111.21}).json()
    assert body["code"] == personas.tree.grid_a1.code


def test_locate_outside_every_grid_is_404(admin_client, personas):
    response = admin_client.get("/api/v1/places/locate", {"lat": 23.41, "lon": 111.25})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_locate_in_a_grid_out_of_scope_is_404(client, personas):
    client.force_login(personas.grid_worker_a)
    inside_a2 = {"lat": 23.41, "lon": 111.215}
    assert client.get("/api/v1/places/locate", inside_a2).status_code == 404
    inside_a1 = {"lat": 23.41, "lon": 111.205}
    assert client.get("/api/v1/places/locate", inside_a1).json()["code"] == "450403001001001"


@pytest.mark.parametrize(
    "params",
    [
        {"lat": 91, "lon": 111.2},
        {"lat": 23.4, "lon": -180.5},
        {"lat": "north", "lon": 111.2},
        {"lat": "nan", "lon": 111.2},
        {"lat": 23.4},
        {},
    ],
)
def test_locate_refuses_bad_coordinates(admin_client, params):
    response = admin_client.get("/api/v1/places/locate", params)
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("invalid_input", "invalid_point")


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_the_number_of_places(client, personas):
    client.force_login(personas.community_staff_a)
    params = {"level": Level.GRID, "limit": 100}
    add_grids(personas.tree.community_a, 1)  # 3 grids
    few = _queries(client, "/api/v1/places", params)
    assert client.get("/api/v1/places", params).json()["count"] == 3
    add_grids(personas.tree.community_a, 17, start=11)  # 20 grids
    many = _queries(client, "/api/v1/places", params)
    assert client.get("/api/v1/places", params).json()["count"] == 20
    assert few == many
    assert many <= 5  # session, user, scopes, page, count
