"""The red-culture map's standing figures: blocks, flag streets and the streets the routes link,
published only, in the place and as they stood at the end of the period."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from meihao.insights.registry import REGISTRY, Span
from meihao.redculture import services

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")


def _figure(code, place, *, last=datetime.date(2100, 1, 1)):
    return REGISTRY[code].measure(Span.of(place.path, datetime.date(2000, 1, 1), last)).value


def test_blocks_flag_streets_and_the_streets_routes_link(red_map, personas):
    tree = personas.tree
    assert _figure("redculture_blocks", tree.district) == 1
    assert _figure("redculture_flag_streets", tree.district) == 1
    # 初心之路 stops in both streets' communities.
    assert _figure("redculture_route_streets", tree.district) == 2
    assert _figure("redculture_route_streets", tree.street_b) == 1
    assert _figure("redculture_route_streets", tree.community_a) == 0  # no street below it
    services.set_published(actor=red_map.admin, record=red_map.block, published=False)
    services.set_published(actor=red_map.admin, record=red_map.street, published=False)
    services.route_set_stops(
        actor=red_map.admin, route=red_map.route, sites=[red_map.memorial, red_map.mural]
    )
    assert _figure("redculture_blocks", tree.district) == 0
    assert _figure("redculture_flag_streets", tree.district) == 0
    assert _figure("redculture_route_streets", tree.district) == 1
    # Before the map was drawn there was nothing.
    assert _figure("redculture_route_streets", tree.district, last=datetime.date(2001, 1, 1)) == 0
