"""The red-culture map's public pages: open without a log-in for what is published and a 404
for anything else, names escaped in the page and in the map's JSON, a route's stops in order
with their distances, and each site's QR code saying the address of its page."""

import io
import json
import re

import pytest
import segno
import zxingcpp
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from PIL import Image

from meihao.places.geo import haversine_m
from meihao.redculture import services
from meihao.redculture.models import Block, Route, Site
from meihao.redculture.templatetags.redculture import distance
from meihao.redculture.views import qr_document

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


def _features(html: str) -> dict:
    found = re.search(
        r'<script id="redculture-features" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(found[1])


def test_the_public_opens_the_map_routes_and_sites_without_logging_in(client, red_map):
    html = client.get(reverse("redculture:map")).content.decode()
    assert "中共梧州地委旧址" in html and "精神丰碑" in html and "中山路红旗街" in html
    assert "未公开的旧址" not in html  # unpublished
    roles = sorted({f["properties"]["role"] for f in _features(html)["features"]})
    assert roles == ["block", "flag_street", "site"]
    assert len([f for f in _features(html)["features"] if f["properties"]["role"] == "site"]) == 3
    assert client.get(reverse("redculture:route", args=[red_map.route.pk])).status_code == 200
    page = client.get(reverse("redculture:site", args=[red_map.memorial.code])).content.decode()
    assert "中共梧州地委旧址的故事" in page and "精神丰碑" in page and "初心之路" in page
    assert 'id="site-qr"' not in page  # the print link is the staff's
    for url in (
        reverse("redculture:site", args=[red_map.draft.code]),
        reverse("redculture:site_qr", args=[red_map.draft.code]),
        reverse("redculture:site", args=["nosuchcd"]),
        reverse("redculture:site", args=["x" * 40]),
        reverse("redculture:route", args=["x"]),
        reverse("redculture:route", args=["9" * 30]),
    ):
        assert client.get(url).status_code == 404, url
    draft_route = services.route_create(actor=red_map.admin, name="草稿线路")
    assert client.get(reverse("redculture:route", args=[draft_route.pk])).status_code == 404
    services.set_published(actor=red_map.admin, record=red_map.route, published=False)
    assert client.get(reverse("redculture:route", args=[red_map.route.pk])).status_code == 404
    assert client.post(reverse("redculture:map")).status_code == 405


def test_a_route_lists_its_stops_in_order_with_the_distances(client, red_map):
    html = client.get(reverse("redculture:route", args=[red_map.route.pk])).content.decode()
    stops = re.findall(r'class="fw-semibold stop-link" href="([^"]+)">([^<]+)<', html)
    assert stops == [
        (reverse("redculture:site", args=[red_map.memorial.code]), "中共梧州地委旧址"),
        (reverse("redculture:site", args=[red_map.mural.code]), "骑楼城红色记忆墙"),
        (reverse("redculture:site", args=[red_map.board.code]), "河东革命历史展板"),
    ]
    first = haversine_m(23.405, 111.205, 23.41, 111.215)  # about 1.2 km
    second = haversine_m(23.41, 111.215, 23.41, 111.31)  # about 9.7 km
    legs = re.findall(r'leg-distance">([^<]+)<', html)
    numbers = [re.search(r"\d+(\.\d)?", leg)[0] for leg in legs]
    assert numbers == [f"{first / 1000:.1f}", f"{second / 1000:.1f}"]
    assert all("公里" in leg for leg in legs)  # the pages speak Chinese first
    total = re.search(r'id="route-total">([^<]+)<', html)[1]
    assert f"{(first + second) / 1000:.1f}" in total and "3" in total
    features = _features(html)["features"]
    assert [f["properties"]["name"] for f in features] == [
        "中共梧州地委旧址",
        "骑楼城红色记忆墙",
        "河东革命历史展板",
    ]


def test_distances_read_in_metres_up_to_a_kilometre():
    assert distance(None) == ""
    with translation.override("en"):
        assert distance(849.6) == "850 m"
        assert distance(1234) == "1.2 km"
    with translation.override("zh-hans"):
        assert distance(849.6) == "850 米"
        assert distance(12_345) == "12.3 公里"


def test_names_and_descriptions_are_escaped_in_the_page_and_the_maps_json(client, red_map):
    Site.objects.filter(pk=red_map.memorial.pk).update(name=BREAKOUT, description=SCRIPT)
    Block.objects.filter(pk=red_map.block.pk).update(name=SCRIPT, theme=BREAKOUT)
    Route.objects.filter(pk=red_map.route.pk).update(name=SCRIPT, description=BREAKOUT)
    for url in (
        reverse("redculture:map"),
        reverse("redculture:route", args=[red_map.route.pk]),
        reverse("redculture:site", args=[red_map.memorial.code]),
    ):
        html = client.get(url).content.decode()
        assert SCRIPT not in html and BREAKOUT not in html, url
        assert "&lt;script&gt;" in html or "&quot;&gt;&lt;img" in html, url
        names = {f["properties"]["name"] for f in _features(html)["features"]}
        assert BREAKOUT in names or SCRIPT in names, url  # the JSON holds the text itself
        assert "\\u003Cscript\\u003E" in html or "\\u003Cimg" in html, url


@override_settings(NOTIFY_BASE_URL="https://meihao.example.cn")
def test_a_sites_qr_code_is_an_svg_of_its_pages_address(client, red_map, personas):
    response = client.get(reverse("redculture:site_qr", args=[red_map.memorial.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    address = f"https://meihao.example.cn/red-culture/sites/{red_map.memorial.code}/"
    assert response.content == qr_document(address)
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    # The symbol those bytes draw reads back as the address.
    png = io.BytesIO()
    segno.make(address, error="m", micro=False).save(png, kind="png", scale=8, border=4)
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert found.text == address
    client.force_login(personas.district_admin)
    page = client.get(reverse("redculture:site", args=[red_map.memorial.code])).content.decode()
    assert 'id="site-qr"' in page


def test_the_map_says_so_when_nothing_is_published(client, db):
    html = client.get(reverse("redculture:map")).content.decode()
    assert _features(html) == {"type": "FeatureCollection", "features": []}
