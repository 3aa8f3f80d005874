"""The maps' WGS-84 ↔ GCJ-02 conversion (places/static/places/gcj02.js), run by Node: the
published reference points, and the round trip within a metre across mainland China."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from meihao.places.geo import haversine_m

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "places" / "gcj02.js"
# (WGS-84 lat, lon) → (GCJ-02 lat, lon): the reference points every implementation of the
# published formula is checked against (Shanghai, Shenzhen, Beijing).
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]
WUZHOU = (23.4748, 111.2790)


def _node(calls: list[tuple[str, float, float]]) -> list[list[float]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to test the maps' script: apt-get install nodejs")
    program = (
        f"const g = require({json.dumps(str(SCRIPT))});"
        f"const calls = {json.dumps(calls)};"
        "console.log(JSON.stringify(calls.map(([f, lat, lon]) => g[f](lat, lon))));"
    )
    result = subprocess.run(
        [node, "-e", program], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(result.stdout)


def test_the_reference_points_convert_exactly_both_ways():
    calls = [("toGcj02", *wgs) for wgs, _ in REFERENCE]
    calls += [("toWgs84", *gcj) for _, gcj in REFERENCE]
    answers = _node(calls)
    for (_, gcj), forward in zip(REFERENCE, answers[: len(REFERENCE)], strict=True):
        assert forward == pytest.approx(list(gcj), abs=1e-9)
    for (wgs, _), back in zip(REFERENCE, answers[len(REFERENCE) :], strict=True):
        assert haversine_m(*wgs, *back) < 0.01


def test_the_shift_in_wuzhou_is_hundreds_of_metres():
    ((lat, lon),) = _node([("toGcj02", *WUZHOU)])
    assert 200 < haversine_m(*WUZHOU, lat, lon) < 800


def test_the_round_trip_stays_within_a_metre_across_china():
    points = [(lat / 2, lon / 2) for lat in range(38, 106, 7) for lon in range(150, 270, 9)]
    forward = _node([("toGcj02", lat, lon) for lat, lon in points])
    back = _node([("toWgs84", lat, lon) for lat, lon in forward])
    worst = max(haversine_m(*p, *b) for p, b in zip(points, back, strict=True))
    assert worst < 1.0


def test_outside_china_nothing_moves():
    assert _node([("toGcj02", 48.8584, 2.2945), ("toWgs84", 35.6586, 139.7454)]) == [
        [48.8584, 2.2945],
        [35.6586, 139.7454],
    ]
