import json

import pytest
from django.urls import reverse

from meihao.core.models import AuditEvent
from meihao.places.models import Building, Place


@pytest.fixture
def superuser_client(client, tree):
    from meihao.people.models import User

    user = User.objects.create_superuser("13900000000", "x", name="超级管理员")
    client.force_login(user)
    return client


def _square(lon, lat, size):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_changelist_searches_by_name_and_code(superuser_client):
    url = reverse("admin:places_place_changelist")
    html = superuser_client.get(url, {"q": "骑楼社区第2"}).content.decode()
    assert "450403001001002" in html
    assert "450403002001001" not in html
    html = superuser_client.get(url, {"q": "450403002001"}).content.decode()
    assert "河东社区" in html
    assert superuser_client.get(url, {"level__exact": "grid"}).status_code == 200


def test_add_place_goes_through_the_service(superuser_client, tree):
    response = superuser_client.post(
        reverse("admin:places_place_add"),
        {
            "code": "450403001001003",
            "name": "骑楼社区第3网格",
            "level": "grid",
            "parent": tree.community_a.pk,
            "boundary": json.dumps(_square(111.22, 23.40, 0.02)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grid = Place.objects.get(code="450403001001003")
    assert grid.path == tree.community_a.path + "450403001001003/"
    assert grid.centroid_lon == pytest.approx(111.23)
    assert AuditEvent.objects.filter(action="place.create", target_id=str(grid.pk)).exists()


def test_add_place_with_wrong_prefix_shows_the_error_and_creates_nothing(superuser_client, tree):
    count = Place.objects.count()
    response = superuser_client.post(
        reverse("admin:places_place_add"),
        {"code": "450403002001003", "name": "错", "level": "grid", "parent": tree.community_a.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"]
    assert Place.objects.count() == count


def test_change_boundary_in_admin_moves_the_centroid(superuser_client, tree):
    response = superuser_client.post(
        reverse("admin:places_place_change", args=[tree.grid_b1.pk]),
        {"name": "河东社区第1网格", "boundary": json.dumps(_square(111.40, 23.50, 0.02))},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tree.grid_b1.refresh_from_db()
    assert tree.grid_b1.centroid_lon == pytest.approx(111.41)
    assert tree.grid_b1.code == "450403002001001"
    assert AuditEvent.objects.filter(action="place.update_boundary").count() == 1


def test_add_building_in_admin_copies_the_path(superuser_client, tree):
    response = superuser_client.post(
        reverse("admin:places_building_add"),
        {"name": "3号楼", "place": tree.grid_a1.pk, "address": "", "floors": "7"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    building = Building.objects.get(name="3号楼")
    assert building.place_path == tree.grid_a1.path
    assert building.floors == 7


def test_building_on_a_street_is_refused_in_admin(superuser_client, tree):
    response = superuser_client.post(
        reverse("admin:places_building_add"), {"name": "楼", "place": tree.street_a.pk}
    )
    assert response.status_code == 200
    assert not Building.objects.exists()


def test_places_cannot_be_deleted_in_admin(superuser_client, tree):
    url = reverse("admin:places_place_delete", args=[tree.grid_a1.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert Place.objects.filter(pk=tree.grid_a1.pk).exists()
