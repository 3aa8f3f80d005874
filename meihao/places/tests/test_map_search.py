"""The search that moves a map's pin (places:map_search): buildings, venues, addresses and
places of the district by Chinese text, a few results, a 400 for what cannot be searched."""

import pytest
from django.urls import reverse

from meihao.places import selectors, services


def _search(client, q, **extra):
    return client.get(reverse("places:map_search"), {"q": q}, **extra)


@pytest.fixture
def placed(personas):
    tree = personas.tree
    services.building_create(
        actor=None,
        place=tree.grid_a1,
        name="骑楼路3号",
        address="梧州市万秀区骑楼路3号",
        lat=23.41,
        lon=111.205,
    )
    services.building_create(
        actor=None,
        place=tree.grid_a2,
        name="河滨大厦",
        address="梧州市万秀区大南路18号",
        lat=23.411,
        lon=111.215,
    )
    services.building_create(actor=None, place=tree.grid_a2, name="骑楼路9号")  # no position
    services.venue_create(
        actor=None,
        place=tree.community_a,
        name="骑楼社区图书室",
        kind="library",
        address="骑楼路12号",
        lat=23.415,
        lon=111.21,
    )
    return tree


def test_a_visitor_must_log_in(client, placed):
    response = _search(client, "骑楼")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_chinese_text_finds_places_venues_and_buildings_with_positions(client, personas, placed):
    client.force_login(personas.resident_a)
    response = _search(client, "骑楼")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kind"], i["name"]) for i in items] == [
        ("community", "骑楼社区"),
        ("grid", "骑楼社区第1网格"),
        ("grid", "骑楼社区第2网格"),
        ("venue", "骑楼社区图书室"),
        ("building", "骑楼路3号"),  # 骑楼路9号 has no position: it cannot move a pin
    ]
    assert items[-1] == {
        "kind": "building",
        "name": "骑楼路3号",
        "detail": "梧州市万秀区骑楼路3号",
        "lat": 23.41,
        "lon": 111.205,
    }


def test_the_address_is_searched_too_and_every_word_must_match(client, personas, placed):
    client.force_login(personas.resident_a)
    assert [i["name"] for i in _search(client, "大南路").json()["items"]] == ["河滨大厦"]
    assert [i["name"] for i in _search(client, "万秀区  骑楼路").json()["items"]] == ["骑楼路3号"]
    assert _search(client, "骑楼 大南路").json()["items"] == []


def test_the_results_are_limited(client, personas):
    tree = personas.tree
    for i in range(selectors.SEARCH_RESULTS + 5):
        services.building_create(
            actor=None, place=tree.grid_a1, name=f"新村{i}栋", lat=23.41, lon=111.205
        )
    client.force_login(personas.resident_a)
    items = _search(client, "新村").json()["items"]
    assert len(items) == selectors.SEARCH_RESULTS


def test_a_resident_searches_the_whole_district_not_only_their_scope(client, personas, placed):
    client.force_login(personas.resident_b)
    assert [i["name"] for i in _search(client, "河滨").json()["items"]] == ["河滨大厦"]


@pytest.mark.parametrize("q", ["", "   ", "　", "骑" * 51])
def test_nothing_or_too_much_to_search_is_a_400_in_the_users_language(client, personas, q):
    client.force_login(personas.resident_a)
    response = _search(client, q, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"]), body["message"]


def test_a_control_character_is_refused(client, personas, placed):
    client.force_login(personas.resident_a)
    assert _search(client, "骑楼\x00").status_code == 400
