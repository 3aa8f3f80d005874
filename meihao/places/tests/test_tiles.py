"""The optional tile service (PLACES_TILE_*): checked at start-up, its hosts in the CSP's
img-src, handed to every map through {% map_scripts %}."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings

from meihao.places.tiles import TileSettingError, tile_service

ROOT = Path(__file__).resolve().parents[3]
TIANDITU = (
    "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk=0123abcd"
)


def test_without_a_url_there_is_no_tile_service():
    service = tile_service("")
    assert service.as_config() is None
    assert service.origins == []


def test_tianditu_with_its_eight_subdomains():
    attribution = "天地图 © 国家地理信息公共服务平台"
    service = tile_service(TIANDITU, subdomains="01234567", attribution=attribution)
    assert service.origins == [f"https://t{i}.tianditu.gov.cn" for i in range(8)]
    assert service.as_config() == {
        "url": TIANDITU,
        "attribution": attribution,
        "subdomains": "01234567",
        "crs": "wgs84",
        "maxZoom": 18,
    }


def test_an_operators_own_server_in_gcj02():
    service = tile_service("http://tiles.intra:8080/{z}/{x}/{y}.png", crs="GCJ02", max_zoom=19)
    assert service.origins == ["http://tiles.intra:8080"]
    assert service.as_config()["crs"] == "gcj02"


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("tiles.example/{z}/{x}/{y}.png", {}),
        ("ftp://tiles.example/{z}/{x}/{y}.png", {}),
        ("https://tiles.example/tile.png", {}),
        ("https://tiles.example/{z}/{x}.png", {}),
        ("https://tiles.example;script-src *//{z}/{x}/{y}.png", {}),
        ("https://t{s}.example/{z}/{x}/{y}.png", {"subdomains": "a b"}),
        ("https://tiles.example/{z}/{x}/{y}.png", {"crs": "bd09"}),
        ("https://tiles.example/{z}/{x}/{y}.png", {"max_zoom": 30}),
    ],
)
def test_a_bad_setting_is_refused(url, options):
    with pytest.raises(TileSettingError):
        tile_service(url, **options)


def _settings_in_a_process(**variables) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SECRET_KEY": "tile-test-secret-key-0123456789abcdefghijklmn",
        **variables,
    }
    code = (
        "import json; from meihao import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_the_tile_hosts_join_the_csp_img_src():
    result = _settings_in_a_process(
        PLACES_TILE_URL=TIANDITU, PLACES_TILE_SUBDOMAINS="01", PLACES_TILE_CRS="wgs84"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "'self'",
        "data:",
        "blob:",
        "https://t0.tianditu.gov.cn",
        "https://t1.tianditu.gov.cn",
    ]


def test_a_bad_tile_setting_stops_the_start_saying_which():
    result = _settings_in_a_process(PLACES_TILE_URL="https://tiles.example/x.png")
    assert result.returncode != 0
    assert "PLACES_TILE_URL" in result.stderr and "ImproperlyConfigured" in result.stderr


def _map_config(rendered: str) -> dict:
    start = rendered.index('id="meihao-map-config"')
    body = rendered[rendered.index(">", start) + 1 : rendered.index("</script>", start)]
    return json.loads(body)


def test_every_map_gets_the_base_map_and_no_tiles_by_default(db):
    rendered = Template("{% load maps %}{% map_scripts %}").render(Context())
    config = _map_config(rendered)
    assert config == {
        "baseMapUrl": "/places/map/base/",
        "searchUrl": "/places/map/search/",
        "tiles": None,
        "markerIcon": {
            "iconUrl": "/static/vendor/leaflet/images/marker-icon.png",
            "iconRetinaUrl": "/static/vendor/leaflet/images/marker-icon-2x.png",
            "shadowUrl": "/static/vendor/leaflet/images/marker-shadow.png",
        },
    }
    scripts = [part.split('"')[1] for part in rendered.split("<script src=")[1:]]
    assert scripts == [
        "/static/vendor/leaflet/leaflet.js",
        "/static/places/gcj02.js",
        "/static/places/maps.js",
    ]


def test_the_tile_setting_reaches_the_maps_escaped(db):
    service = tile_service(
        "https://tiles.example/{z}/{x}/{y}.png?a=1&b=2", attribution="</script><b>x</b>"
    )
    with override_settings(PLACES_TILES=service):
        rendered = Template("{% load maps %}{% map_scripts %}").render(Context())
    assert "</script><b>" not in rendered
    assert _map_config(rendered)["tiles"]["attribution"] == "</script><b>x</b>"
    assert _map_config(rendered)["tiles"]["url"] == "https://tiles.example/{z}/{x}/{y}.png?a=1&b=2"


def test_every_map_is_made_by_the_shared_script():
    """No page makes its own Leaflet map or tile layer: each gets the base map and the tile
    setting from places/maps.js, and each page that loads a map script loads {% map_scripts %}."""
    meihao = ROOT / "meihao"
    scripts = [p for p in meihao.glob("*/static/**/*.js") if "vendor" not in p.parts]
    makers = {
        p.relative_to(meihao).as_posix()
        for p in scripts
        if "L.map(" in p.read_text(encoding="utf-8")
        or "L.tileLayer(" in p.read_text(encoding="utf-8")
    }
    assert makers == {"places/static/places/maps.js"}
    users = {p.name for p in scripts if "MeihaoMap." in p.read_text(encoding="utf-8")}
    assert {"report.js", "public_map.js", "map.js", "home_map.js", "timebank.js"} <= users
    for template in meihao.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if template.name != "_map_scripts.html" or template.parent.name != "places":
            assert "vendor/leaflet/leaflet.js" not in text, template
        if any(f"/{name}'" in text for name in users - {"maps.js"}):
            assert "map_scripts" in text, template
