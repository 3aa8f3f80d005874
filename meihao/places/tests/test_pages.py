import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meihao.places import services
from meihao.places.models import Venue

from .factories import add_grids


def _detail(place):
    return reverse("places:detail", args=[place.code])


@pytest.fixture(autouse=True)
def _english():
    # Assertions below read English UI text; the Chinese catalogue is tested separately.
    with translation.override("en"):
        yield


def _get(client, url, **extra):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_browser_with_one_scope_shows_that_place(client, personas):
    client.force_login(personas.grid_worker_a)
    response = _get(client, reverse("places:browser"))
    assert response.status_code == 200
    assert response.context["place"] == personas.tree.grid_a1


def test_browser_of_district_admin_shows_the_district(client, personas):
    client.force_login(personas.district_admin)
    response = _get(client, reverse("places:browser"))
    assert response.context["place"] == personas.tree.district
    assert "城东街道" in response.content.decode()
    assert "城南街道" in response.content.decode()


def test_browser_with_several_scopes_lists_them(client, personas):
    from meihao.people.models import RoleAssignment

    user = personas.grid_worker_a
    RoleAssignment.objects.create(user=user, role="grid_worker", place=personas.tree.grid_b1)
    client.force_login(user)
    response = _get(client, reverse("places:browser"))
    assert [p.code for p in response.context["roots"]] == [
        personas.tree.grid_a1.code,
        personas.tree.grid_b1.code,
    ]


def test_browser_without_roles_says_so(client, personas):
    client.force_login(personas.outsider)
    response = _get(client, reverse("places:browser"))
    assert response.status_code == 200
    assert response.context["roots"] == []
    assert "No place has been assigned to you yet" in response.content.decode()


def test_detail_shows_breadcrumbs_map_children_and_counts(client, personas):
    client.force_login(personas.street_chief_a)
    response = _get(client, _detail(personas.tree.street_a))
    html = response.content.decode()
    assert [a.code for a in response.context["ancestors"]] == ["450403"]
    assert f'href="{_detail(personas.tree.district)}"' in html
    assert f'href="{_detail(personas.tree.community_a)}"' in html
    embedded = re.search(r'<script id="place-geojson" type="application/json">(.*?)</script>', html)
    geojson = json.loads(embedded.group(1))
    roles = [(f["properties"]["role"], f["properties"]["code"]) for f in geojson["features"]]
    assert roles == [("child", "450403001001"), ("self", "450403001")]
    assert 'id="place-geojson"' in html
    assert "leaflet.js" in html
    [(child, can)] = response.context["rows"]
    assert child.child_count == 2  # grids A1 and A2
    # Grid worker A, resident A and volunteer A (A1), party member A (A2), community staff A.
    assert child.resident_count == 5
    assert can["view_people"]
    assert "2 places" in html
    assert "5 residents" in html


def test_detail_counts_only_what_the_user_may_see(client, personas):
    client.force_login(personas.grid_worker_a)
    response = _get(client, _detail(personas.tree.street_a))
    [(child, can)] = response.context["rows"]
    assert child.code == personas.tree.community_a.code
    assert child.child_count == 1  # grid A2 is outside grid worker A's scope
    # Community A is only an ancestor of grid worker A's grid: no resident count shown.
    assert not can["view_people"]
    assert "resident" not in response.content.decode()


def test_resident_sees_no_resident_counts(client, personas):
    client.force_login(personas.resident_a)
    response = _get(client, _detail(personas.tree.community_a))
    [(child, can)] = response.context["rows"]
    assert child == personas.tree.grid_a1
    assert can == {"view": True, "edit": False, "view_people": False}
    assert "resident" not in response.content.decode()


def test_detail_lists_buildings_and_venues_of_the_subtree(client, personas):
    admin = personas.district_admin
    services.building_create(actor=admin, place=personas.tree.grid_a1, name="骑楼1号楼")
    services.building_create(actor=admin, place=personas.tree.grid_b1, name="河东1号楼")
    services.venue_create(
        actor=admin,
        place=personas.tree.community_a,
        name="骑楼社区服务中心",
        kind=Venue.Kind.SERVICE_CENTRE,
        opening_hours="8:00-17:30",
    )
    client.force_login(personas.community_staff_a)
    html = _get(client, _detail(personas.tree.community_a)).content.decode()
    assert "骑楼1号楼" in html
    assert "骑楼社区服务中心" in html
    assert "8:00-17:30" in html
    assert "河东1号楼" not in html
    client.force_login(personas.grid_worker_b)
    html = _get(client, _detail(personas.tree.grid_b1)).content.decode()
    assert "河东1号楼" in html
    assert "骑楼1号楼" not in html


def test_grid_without_children_has_no_children_section(client, personas):
    client.force_login(personas.grid_worker_a)
    html = _get(client, _detail(personas.tree.grid_a1)).content.decode()
    assert 'id="place-children"' not in html


def test_place_without_boundary_has_no_map(client, personas):
    services.place_update_boundary(actor=None, place=personas.tree.grid_a1, boundary=None)
    client.force_login(personas.grid_worker_a)
    html = _get(client, _detail(personas.tree.grid_a1)).content.decode()
    assert "place-geojson" not in html
    assert "leaflet.js" not in html
    assert "No boundary has been drawn" in html


def test_htmx_search_returns_only_the_children_fragment(client, personas):
    client.force_login(personas.community_staff_a)
    response = _get(
        client,
        _detail(personas.tree.community_a) + "?q=第2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="place-children",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "骑楼社区第2网格" in html
    assert "骑楼社区第1网格" not in html


def test_htmx_search_with_no_match_says_so(client, personas):
    client.force_login(personas.community_staff_a)
    response = _get(
        client,
        _detail(personas.tree.community_a) + "?q=不存在",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="place-children",
    )
    assert "No place here is named like" in response.content.decode()


def test_htmx_fragment_is_scoped(client, personas):
    client.force_login(personas.grid_worker_a)
    response = _get(
        client,
        _detail(personas.tree.community_a),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="place-children",
    )
    html = response.content.decode()
    assert "骑楼社区第1网格" in html
    assert "骑楼社区第2网格" not in html
    other = _get(
        client,
        _detail(personas.tree.community_b),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="place-children",
    )
    assert other.status_code == 404


def test_children_are_paginated(client, personas):
    add_grids(personas.tree.community_a, 55)
    client.force_login(personas.community_staff_a)
    first = _get(client, _detail(personas.tree.community_a))
    assert len(first.context["rows"]) == 50
    second = _get(client, _detail(personas.tree.community_a) + "?page=2")
    assert len(second.context["rows"]) == 7
    assert "Page 2 of 2" in second.content.decode()


def _queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url, **extra)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["community_staff_a", "district_admin", "grid_worker_a"])
def test_detail_query_count_does_not_grow_with_children(client, personas, persona):
    community = personas.tree.community_a
    client.force_login(personas.all()[persona])
    add_grids(community, 1)  # 3 grids
    few = _queries(client, _detail(community))
    fragment_few = _queries(
        client, _detail(community), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="place-children"
    )
    grids = add_grids(community, 17, start=11)  # 20 grids
    for grid in grids[:5]:
        services.building_create(actor=None, place=grid, name=f"{grid.name}1号楼")
    many = _queries(client, _detail(community))
    fragment_many = _queries(
        client, _detail(community), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="place-children"
    )
    assert few == many
    assert fragment_few == fragment_many
    assert many <= 13  # with the menu's one query for the party's and projects' screens
