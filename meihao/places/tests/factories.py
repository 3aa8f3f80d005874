"""Test data for the place tree beyond core.testing's two streets."""

from meihao.core.testing import make_place
from meihao.places.models import Level, Place


def _square(lon, lat, size):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def other_district() -> Place:
    """A second district (长洲区) with a street, a community and a grid: outside every persona."""
    district = make_place("450405", "长洲区", Level.DISTRICT, None, _square(111.00, 23.40, 0.1))
    street = make_place("450405001", "兴龙街道", Level.STREET, district, _square(111.0, 23.4, 0.05))
    community = make_place(
        "450405001001", "龙华社区", Level.COMMUNITY, street, _square(111.0, 23.4, 0.02)
    )
    make_place(
        "450405001001001", "龙华社区第1网格", Level.GRID, community, _square(111.0, 23.4, 0.01)
    )
    return district


def add_grids(community: Place, count: int, *, start: int = 10) -> list[Place]:
    """`count` grids side by side under `community`, 0.001° wide each."""
    lon0 = (community.centroid_lon or 111.0) + 1  # away from the fixture's grids
    return [
        make_place(
            f"{community.code}{start + i:03d}",
            f"{community.name}第{start + i}网格",
            Level.GRID,
            community,
            _square(lon0 + i * 0.001, 23.0, 0.001),
        )
        for i in range(count)
    ]
