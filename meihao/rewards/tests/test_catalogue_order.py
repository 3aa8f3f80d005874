"""The catalogue is searchable and nearest to the resident's home first: by the merchant's own
coordinates, else its place's centroid, else its place path's closeness to the home."""

import re

import pytest

from meihao.people.models import Organisation
from meihao.places.models import Building
from meihao.rewards import selectors
from meihao.rewards.models import PartnerMerchant, RewardItem


def _merchant(name, place, *, lat=None, lon=None, item="米粉", address=""):
    organisation = Organisation.objects.create(
        name=name, kind=Organisation.Kind.MERCHANT, place=place, place_path=place.path
    )
    merchant = PartnerMerchant.objects.create(
        organisation=organisation, place_path=place.path, lat=lat, lon=lon, address=address
    )
    RewardItem.objects.create(merchant=merchant, name=item, points_cost=10, stock=3)
    return merchant


def _order(client) -> list[str]:
    html = client.get("/rewards/").content.decode()
    return re.findall(r'<h2 class="h6 mb-1">([^<]+)</h2>', html)


@pytest.fixture
def street(personas):
    """Volunteer A lives in grid A1 (centroid 23.41, 111.205); merchants around it."""
    tree = personas.tree
    return {
        "far": _merchant("河东粉店", tree.community_b, lat=23.41, lon=111.30, item="牛腩粉"),
        "near": _merchant("骑楼豆腐坊", tree.grid_a1, lat=23.411, lon=111.206, item="豆腐花"),
        # No coordinates: placed at its grid's centroid (23.41, 111.215), about 1 km away.
        "grid": _merchant("二网格杂货", tree.grid_a2, item="酱油", address="中山路3号"),
        # No coordinates and a place without a centroid: after every measured one.
        "unknown_street": _merchant("城南不知处", _bare(tree.street_b), item="蒲扇"),
        "unknown_community": _merchant("骑楼不知处", _bare(tree.community_a), item="竹篮"),
    }


def _bare(place):
    """A copy of `place`'s position-less self: a sub-place with no boundary."""
    from meihao.core.testing import make_place
    from meihao.places.models import CODE_LENGTH, Level

    level = {Level.STREET: Level.COMMUNITY, Level.COMMUNITY: Level.GRID}[place.level]
    code = place.code + "9" * (CODE_LENGTH[level] - len(place.code))
    return make_place(code, place.name + "新区", level, place)


def test_nearest_to_home_first_then_by_the_place_path(client, personas, street):
    client.force_login(personas.volunteer_a)
    assert _order(client) == ["骑楼豆腐坊", "二网格杂货", "河东粉店", "骑楼不知处", "城南不知处"]


def test_the_building_is_the_home_when_it_has_a_position(client, personas, street):
    volunteer = personas.volunteer_a.person
    volunteer.building = Building.objects.create(
        place=personas.tree.grid_b1, name="河东1栋", lat=23.41, lon=111.299
    )
    volunteer.save()
    client.force_login(personas.volunteer_a)
    assert _order(client)[:3] == ["河东粉店", "二网格杂货", "骑楼豆腐坊"]


def test_distances_are_shown(client, personas, street):
    client.force_login(personas.volunteer_a)
    html = client.get("/rewards/").content.decode()
    distances = [int(d) for d in re.findall(r'data-distance="(\d+)"', html)]
    assert distances == sorted(distances) and len(distances) == 3
    assert distances[0] < 200 and 900 < distances[1] < 1100 and distances[2] > 9000
    assert "公里" in html and "米" in html


def test_without_a_home_the_order_is_by_name(client, personas, street):
    client.force_login(personas.merchant_staff)
    names = _order(client)
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("豆腐", ["骑楼豆腐坊"]),  # the merchant's name
        ("牛腩", ["河东粉店"]),  # an item's name
        ("中山路", ["二网格杂货"]),  # the address
        ("不知处", ["骑楼不知处", "城南不知处"]),  # several, still in order
        ("没有这家", []),
    ],
)
def test_search_matches_names_items_and_addresses_in_order(client, personas, street, q, expected):
    client.force_login(personas.volunteer_a)
    response = client.get("/rewards/", {"q": q})
    html = response.content.decode()
    assert re.findall(r'<h2 class="h6 mb-1">([^<]+)</h2>', html) == expected
    if not expected:
        assert 'id="catalogue-empty"' in html and "没有这家" in html


def test_search_by_htmx_answers_the_results_alone(client, personas, street):
    client.force_login(personas.volunteer_a)
    response = client.get(
        "/rewards/", {"q": "粉"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalogue-results"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="catalogue-markers"' in html and "河东粉店" in html and "骑楼豆腐坊" not in html


def test_the_search_is_escaped_and_cut(client, personas, street):
    client.force_login(personas.volunteer_a)
    html = client.get("/rewards/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert client.get("/rewards/", {"q": "粉" * 500}).status_code == 200


def test_pages_keep_the_search_and_the_order(client, personas):
    for n in range(25):
        _merchant(f"粉店{n:02d}", personas.tree.community_a, lat=23.41 + n / 1000, lon=111.205)
    client.force_login(personas.volunteer_a)
    first = client.get("/rewards/", {"q": "粉店"}).content.decode()
    assert "q=%E7%B2%89%E5%BA%97&amp;page=2" in first or "q=%E7%B2%89%E5%BA%97&page=2" in first
    second = client.get("/rewards/", {"q": "粉店", "page": 2}).content.decode()
    names = _order_of(first) + _order_of(second)
    assert names == [f"粉店{n:02d}" for n in range(25)]


def _order_of(html):
    return re.findall(r'<h2 class="h6 mb-1">([^<]+)</h2>', html)


def test_the_selector_orders_without_loading_the_items(personas, street):
    entries = selectors.catalogue_order(home_path=personas.tree.grid_a1.path, home=(23.41, 111.205))
    assert [e.pk for e in entries][:3] == [
        street["near"].pk,
        street["grid"].pk,
        street["far"].pk,
    ]


def _api_merchants(client, **params) -> list[str]:
    response = client.get("/api/v1/rewards/items", params)
    assert response.status_code == 200, response.content
    names = [item["merchant"]["name"] for item in response.json()["items"]]
    return list(dict.fromkeys(names))  # each merchant once, in the order of its first item


def test_the_api_orders_and_searches_as_the_page(client, personas, street):
    client.force_login(personas.volunteer_a)
    assert _api_merchants(client, order="nearest") == _order(client)
    assert _api_merchants(client, q="不知处") == ["骑楼不知处", "城南不知处"]
    assert _api_merchants(client, q="没有这家") == []
    # By default the cheapest first, as before; a bad order or an over-long search is a 4xx.
    assert client.get("/api/v1/rewards/items", {"order": "dearest"}).status_code == 422
    assert client.get("/api/v1/rewards/items", {"q": "字" * 51}).status_code == 422
