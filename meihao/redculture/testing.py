"""A small red-culture map in the tests' place tree (core.testing): sites in both streets'
communities, a block, a flag street and a published route, for the tests of every app that
needs one."""

from dataclasses import dataclass

from meihao.redculture import services
from meihao.redculture.models import Block, FlagStreet, Route, Site


@dataclass
class RedMap:
    admin: object  # the district administrator, who keeps the map
    memorial: Site  # in community A
    mural: Site  # in community A
    board: Site  # in community B
    draft: Site  # unpublished, in community B
    block: Block
    street: FlagStreet
    route: Route  # published: memorial → mural → board


def square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_red_map(personas) -> RedMap:
    admin = personas.district_admin

    def site(name, kind, lat, lon, published=True):
        return services.site_create(
            actor=admin,
            name=name,
            kind=kind,
            description=f"{name}的故事。",
            lat=lat,
            lon=lon,
            published=published,
        )

    memorial = site("中共梧州地委旧址", Site.Kind.FORMER_SITE, 23.405, 111.205)
    mural = site("骑楼城红色记忆墙", Site.Kind.MURAL, 23.41, 111.215)
    board = site("河东革命历史展板", Site.Kind.HISTORY_BOARD, 23.41, 111.31)
    draft = site("未公开的旧址", Site.Kind.LANDMARK, 23.415, 111.315, published=False)
    block = services.block_create(
        actor=admin,
        name="精神丰碑",
        theme="革命先辈的足迹。",
        boundary=square(111.201, 23.401, 0.018),
        published=True,
    )
    street = services.flag_street_create(
        actor=admin,
        name="中山路红旗街",
        note="百面党旗",
        line={"type": "LineString", "coordinates": [[111.202, 23.41], [111.218, 23.41]]},
        published=True,
    )
    route = services.route_create(actor=admin, name="初心之路", description="从地委旧址出发。")
    services.route_set_stops(actor=admin, route=route, sites=[memorial, mural, board])
    route = services.set_published(actor=admin, record=route, published=True)
    return RedMap(admin, memorial, mural, board, draft, block, street, route)
