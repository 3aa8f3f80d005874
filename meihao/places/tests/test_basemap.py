"""The self-drawn base map (places:base_map): public, by box and zoom, bounded in size."""

import json
import math

import pytest
from django.urls import reverse

from meihao.places import basemap, services
from meihao.places.models import Level

# The tree of core.testing: district 111.20–111.40 × 23.40–23.60; street A the western half,
# street B the eastern, each 23.40–23.50; community A 111.20–111.22 × 23.40–23.42 with grids
# A1 and A2; community B 111.30–111.32 with grid B1.
WHOLE_TREE = "111.1,23.3,111.5,23.7"
COMMUNITY_A = "111.19,23.39,111.23,23.43"


def _get(client, bbox=WHOLE_TREE, zoom=14, **extra):
    query = {"bbox": bbox, "zoom": zoom} if zoom is not None else {"bbox": bbox}
    return client.get(reverse("places:base_map"), query, **extra)


def _by_kind(response) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for feature in response.json()["features"]:
        kinds.setdefault(feature["properties"]["kind"], []).append(feature)
    return kinds


def _names(features) -> set[str]:
    return {f["properties"]["name"] for f in features}


def test_anyone_gets_the_base_map_without_logging_in(client, tree):
    response = _get(client, zoom=14)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["truncated"] is False
    kinds = _by_kind(response)
    assert _names(kinds["street"]) == {"城东街道", "城南街道"}
    assert _names(kinds["community"]) == {"骑楼社区", "河东社区"}


@pytest.mark.parametrize(
    ("zoom", "levels"),
    [
        (10, {"district", "street"}),
        (13, {"district", "street", "community"}),
        (15, {"district", "street", "community", "grid"}),
    ],
)
def test_finer_levels_appear_as_the_map_zooms_in(client, tree, zoom, levels):
    assert set(_by_kind(_get(client, zoom=zoom))) == levels


def test_names_are_written_only_at_zooms_where_they_fit(client, tree):
    def labelled(zoom):
        return {
            f["properties"]["kind"]
            for f in _get(client, zoom=zoom).json()["features"]
            if "label_at" in f["properties"]
        }

    assert labelled(10) == {"district"}
    assert labelled(12) == {"street"}
    assert labelled(14) == {"community"}
    assert labelled(17) == {"community", "grid"}
    assert labelled(18) == {"grid"}


def test_a_label_lies_inside_its_outline(client, tree):
    for feature in _get(client, zoom=17).json()["features"]:
        if "label_at" not in feature["properties"]:
            continue
        lon, lat = feature["properties"]["label_at"]
        ring = feature["geometry"]["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats)


def test_only_what_lies_in_the_box_is_sent(client, tree):
    kinds = _by_kind(_get(client, bbox=COMMUNITY_A, zoom=16))
    assert _names(kinds["street"]) == {"城东街道"}
    assert _names(kinds["community"]) == {"骑楼社区"}
    assert _names(kinds["grid"]) == {"骑楼社区第1网格", "骑楼社区第2网格"}
    far_away = _get(client, bbox="100.0,20.0,100.1,20.1", zoom=16).json()
    assert far_away["features"] == []


def test_buildings_and_venues_appear_close_in_with_their_names_and_no_counts(client, tree):
    services.building_create(
        actor=None, place=tree.grid_a1, name="骑楼路3号", lat=23.41, lon=111.205, households=40
    )
    services.building_create(actor=None, place=tree.grid_a1, name="无坐标楼")
    services.venue_create(
        actor=None,
        place=tree.community_a,
        name="骑楼社区服务中心",
        kind="service_centre",
        lat=23.415,
        lon=111.215,
    )
    assert {"building", "venue"}.isdisjoint(_by_kind(_get(client, bbox=COMMUNITY_A, zoom=15)))
    at_16 = _by_kind(_get(client, bbox=COMMUNITY_A, zoom=16))
    assert "building" not in at_16
    assert _names(at_16["venue"]) == {"骑楼社区服务中心"}
    assert "label_at" not in at_16["venue"][0]["properties"]  # a dot; its name from zoom 18
    response = _get(client, bbox=COMMUNITY_A, zoom=18, HTTP_ACCEPT_LANGUAGE="zh-hans")
    kinds = _by_kind(response)
    (building,) = kinds["building"]  # the one without coordinates is not on the map
    assert building["geometry"] == {"type": "Point", "coordinates": [111.205, 23.41]}
    assert building["properties"] == {
        "kind": "building",
        "name": "骑楼路3号",
        "label_at": [111.205, 23.41],
    }
    assert kinds["venue"][0]["properties"]["venue_kind"] == "社区服务中心"
    assert "households" not in response.content.decode()


def test_the_answer_is_bounded_coarse_levels_first(client, tree, monkeypatch):
    monkeypatch.setattr(basemap, "MAX_FEATURES", 4)
    for i in range(3):
        services.building_create(
            actor=None, place=tree.grid_a1, name=f"楼{i}", lat=23.41, lon=111.201 + i / 1000
        )
    body = _get(client, zoom=18).json()
    assert len(body["features"]) == 4
    assert body["truncated"] is True
    assert [f["properties"]["kind"] for f in body["features"]] == [
        "district",
        "street",
        "street",
        "community",
    ]
    roomy = _get(client, bbox=COMMUNITY_A, zoom=13).json()  # district, street, community
    assert roomy["truncated"] is False


def test_outlines_are_simplified_to_the_zoom_and_rounded(client, tree):
    circle = [
        [
            round(111.25 + 0.01 * math.cos(2 * math.pi * i / 720), 9),
            round(23.45 + 0.01 * math.sin(2 * math.pi * i / 720), 9),
        ]
        for i in range(720)
    ]
    services.place_create(
        actor=None,
        code="450403001002",
        name="圆社区",
        level=Level.COMMUNITY,
        parent=tree.street_a,
        boundary={"type": "Polygon", "coordinates": [[*circle, circle[0]]]},
    )

    def vertices(zoom):
        features = _get(client, bbox="111.23,23.43,111.27,23.47", zoom=zoom).json()["features"]
        (round_one,) = [f for f in features if f["properties"]["name"] == "圆社区"]
        return round_one["geometry"]["coordinates"][0]

    coarse, fine = vertices(13), vertices(19)
    assert len(coarse) < 100 < len(fine)
    assert all(len(f"{value}".split(".")[-1]) <= 6 for point in fine for value in point)


def test_a_renamed_place_is_drawn_with_its_new_name(
    client, tree, django_capture_on_commit_callbacks
):
    assert "骑楼社区" in _names(_by_kind(_get(client))["community"])
    with django_capture_on_commit_callbacks(execute=True):
        services.place_rename(actor=None, place=tree.community_a, name="新骑楼社区")
    assert _names(_by_kind(_get(client))["community"]) == {"新骑楼社区", "河东社区"}


def test_a_name_is_sent_as_data_for_the_map_to_write_as_text(client, tree):
    services.place_rename(actor=None, place=tree.grid_a1, name="<script>alert(1)</script>网格")
    body = _get(client, bbox=COMMUNITY_A, zoom=17).content.decode()
    assert "<script>alert(1)</script>网格" in {
        f["properties"]["name"] for f in json.loads(body)["features"]
    }


@pytest.mark.parametrize(
    ("bbox", "zoom"),
    [
        (None, 14),
        ("", 14),
        ("111.2,23.4,111.3", 14),
        ("111.2,23.4,111.3,23.5,1", 14),
        ("a,b,c,d", 14),
        ("111.3,23.4,111.2,23.5", 14),  # west of its east edge
        ("111.2,23.5,111.3,23.4", 14),  # south of its north edge
        ("111.2,-91,111.3,23.5", 14),
        ("-181,23.4,111.3,23.5", 14),
        ("nan,23.4,111.3,23.5", 14),
        ("111.2,23.4,inf,23.5", 14),
        (WHOLE_TREE, None),
        (WHOLE_TREE, "x"),
        (WHOLE_TREE, -1),
        (WHOLE_TREE, 23),
        (WHOLE_TREE, "1" * 40),
        (WHOLE_TREE, "١٤"),  # Arabic-Indic digits: not a zoom
    ],
)
def test_a_bad_box_or_zoom_is_a_400_in_the_users_language(client, tree, bbox, zoom):
    query = {}
    if bbox is not None:
        query["bbox"] = bbox
    if zoom is not None:
        query["zoom"] = zoom
    response = client.get(reverse("places:base_map"), query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] in {"invalid_bbox", "invalid_zoom"}
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"]), body["message"]
