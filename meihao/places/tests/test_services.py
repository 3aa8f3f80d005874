import datetime

import pytest

from meihao.core.errors import ValidationFailed
from meihao.core.models import AuditEvent
from meihao.places import services
from meihao.places.models import (
    Building,
    Level,
    Place,
    Venue,
    community_id_of,
    community_of,
    community_path,
)


def _square(lon, lat, size):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _snapshot():
    return (
        sorted(Place.objects.values_list("code", "name", "boundary", "updated_at")),
        AuditEvent.objects.count(),
        Building.objects.count(),
        Venue.objects.count(),
    )


@pytest.fixture
def admin(personas):
    return personas.district_admin


def test_grid_create_computes_path_and_centroid_and_is_audited(personas, admin):
    community = personas.tree.community_a
    grid = services.place_create(
        actor=admin,
        code="450403001001003",
        name="  骑楼社区第3网格 ",
        level=Level.GRID,
        parent=community,
        boundary=_square(111.22, 23.40, 0.02),
    )
    grid.refresh_from_db()
    assert grid.path == "450403/450403001/450403001001/450403001001003/"
    assert grid.name == "骑楼社区第3网格"
    assert grid.centroid_lon == pytest.approx(111.23)
    assert grid.centroid_lat == pytest.approx(23.41)
    event = AuditEvent.objects.get(action="place.create", target_id=str(grid.pk))
    assert event.actor == admin
    assert event.changes["code"] == "450403001001003"


def test_centroid_of_an_l_shaped_polygon_is_its_area_centroid(personas, admin):
    # An L of three unit squares: the area centroid (5/6, 5/6) differs from the vertex mean.
    ring = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]
    grid = services.place_create(
        actor=admin,
        code="450403001001009",
        name="L",
        level=Level.GRID,
        parent=personas.tree.community_a,
        boundary={"type": "Polygon", "coordinates": [ring]},
    )
    assert grid.centroid_lon == pytest.approx(5 / 6)
    assert grid.centroid_lat == pytest.approx(5 / 6)


def test_district_create_needs_no_parent(db):
    district = services.place_create(
        actor=None, code="450405", name="长洲区", level=Level.DISTRICT, parent=None
    )
    assert district.path == "450405/"
    assert district.centroid_lat is None


@pytest.mark.parametrize(
    ("code", "level", "parent_attr", "field"),
    [
        ("45040300100100", Level.GRID, "community_a", "code"),  # 14 digits
        ("4504030010010011", Level.GRID, "community_a", "code"),  # 16 digits
        ("45040300100a001", Level.GRID, "community_a", "code"),  # not digits
        ("450403002001001", Level.GRID, "community_a", "code"),  # another community's prefix
        ("450403001001003", Level.GRID, "street_a", "parent"),  # parent is a street
        ("450403001003", Level.COMMUNITY, "community_a", "parent"),  # community under community
        ("450403001003", Level.COMMUNITY, None, "parent"),  # no parent
        ("450405", Level.DISTRICT, "district", "parent"),  # a district has no parent
        ("4504030", Level.STREET, "district", "code"),
        ("450403001001001", Level.GRID, "community_a", "code"),  # already exists
        ("450403001001003", "block", "community_a", "level"),  # unknown level
    ],
)
def test_place_create_refuses_bad_codes_and_parents(
    personas, admin, code, level, parent_attr, field
):
    parent = getattr(personas.tree, parent_attr) if parent_attr else None
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.place_create(
            actor=admin, code=code, name="新网格", level=level, parent=parent, boundary=None
        )
    assert caught.value.field == field
    assert _snapshot() == before


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [111.2, 23.4]},
        {"type": "Polygon", "coordinates": "nonsense"},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},  # bow-tie
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},  # no area
        {"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1], [200, 0]]]},  # range
        {"type": "Polygon", "coordinates": []},
        "not json",
        ["a", "list"],
    ],
)
def test_bad_boundary_is_refused_and_changes_nothing(personas, admin, boundary):
    grid = personas.tree.grid_a1
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.place_update_boundary(actor=admin, place=grid, boundary=boundary)
    assert caught.value.field == "boundary"
    assert _snapshot() == before
    with pytest.raises(ValidationFailed):
        services.place_create(
            actor=admin,
            code="450403001001003",
            name="新网格",
            level=Level.GRID,
            parent=personas.tree.community_a,
            boundary=boundary,
        )
    assert _snapshot() == before


def test_boundary_update_moves_centroid_and_accepts_multipolygon(personas, admin):
    grid = personas.tree.grid_b1
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            _square(111.30, 23.40, 0.01)["coordinates"],
            _square(111.32, 23.40, 0.01)["coordinates"],
        ],
    }
    services.place_update_boundary(actor=admin, place=grid, boundary=multi)
    grid.refresh_from_db()
    assert grid.boundary["type"] == "MultiPolygon"
    assert grid.centroid_lon == pytest.approx(111.315)
    assert grid.centroid_lat == pytest.approx(23.405)
    assert AuditEvent.objects.filter(action="place.update_boundary", actor=admin).count() == 1


def test_error_message_is_chinese_by_default(personas, admin):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        services.place_create(
            actor=admin,
            code="450403",
            name="网格",
            level=Level.GRID,
            parent=personas.tree.community_a,
        )
    assert "15" in str(caught.value.message)
    assert "位" in str(caught.value.message)


def test_building_and_venue_copy_the_place_path(personas, admin):
    grid = personas.tree.grid_a2
    building = services.building_create(
        actor=admin, place=grid, name="1号楼", floors=6, households=24, lat=23.41, lon=111.215
    )
    venue = services.venue_create(
        actor=admin, place=personas.tree.community_a, name="骑楼社区服务中心", kind="service_centre"
    )
    assert building.place_path == grid.path
    assert venue.place_path == personas.tree.community_a.path
    assert AuditEvent.objects.filter(action__in=["building.create", "venue.create"]).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"place_attr": "street_a"}, "place"),
        ({"name": " "}, "name"),
        ({"lat": 23.4}, "lat"),
        ({"lat": 123.0, "lon": 111.2}, "lat"),
        ({"floors": -1}, "floors"),
    ],
)
def test_building_create_refuses_bad_input(personas, admin, kwargs, field):
    place = getattr(personas.tree, kwargs.pop("place_attr", "grid_a1"))
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.building_create(actor=admin, place=place, **{"name": "楼", **kwargs})
    assert caught.value.field == field
    assert _snapshot() == before


def test_venue_create_refuses_unknown_kind(personas, admin):
    before = _snapshot()
    with pytest.raises(ValidationFailed):
        services.venue_create(actor=admin, place=personas.tree.grid_a1, name="室", kind="casino")
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("opens_at", "closes_at"),
    [(datetime.time(8), None), (None, datetime.time(21)), (datetime.time(21), datetime.time(8))],
)
def test_a_bookable_venue_opens_before_it_closes(personas, admin, opens_at, closes_at):
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.venue_create(
            actor=admin,
            place=personas.tree.community_a,
            name="文化广场",
            kind="square",
            opens_at=opens_at,
            closes_at=closes_at,
            bookable=True,
        )
    assert caught.value.field == "opens_at"
    assert _snapshot() == before
    venue = services.venue_create(
        actor=admin,
        place=personas.tree.community_a,
        name="文化广场",
        kind="square",
        opens_at=datetime.time(6),
        closes_at=datetime.time(22),
        bookable=True,
        needs_approval=True,
        equipment=" 音响 ",
    )
    assert (venue.bookable, venue.needs_approval, venue.equipment) == (True, True, "音响")


def test_subtree_is_one_prefix_match(tree):
    codes = set(Place.objects.within(tree.street_a).values_list("code", flat=True))
    assert codes == {"450403001", "450403001001", "450403001001001", "450403001001002"}
    assert set(Place.objects.within(tree.grid_b1).values_list("code", flat=True)) == {
        "450403002001001"
    }
    # Prefix matches stop at the separator: street 450403001 is not inside 45040300.
    assert not Place.objects.filter(path__startswith="450403/45040300/").exists()


def test_the_community_a_place_lies_in_is_known_without_reading_it(tree):
    for place in (tree.grid_a1, tree.community_a):
        assert community_id_of(place) == tree.community_a.pk == community_of(place).pk
        assert community_path(place.path) == tree.community_a.path
    for place in (tree.street_a, tree.district, None):
        assert community_id_of(place) is None is community_of(place)
