import datetime

import pytest
from django.utils import timezone

from meihao.core import snapshot
from meihao.core.errors import ValidationFailed
from meihao.places import geo, services
from meihao.places.models import Level, Place

# Grid A1 spans lon 111.20–111.21 and A2 111.21–111.22, both lat 23.40–23.42 (core.testing).


def test_point_inside_a_grid(tree):
    assert geo.locate(23.41, 111.205) == tree.grid_a1
    assert geo.locate(23.41, 111.215) == tree.grid_a2
    assert geo.locate(23.41, 111.31) == tree.grid_b1


def test_point_on_the_shared_edge_resolves_to_the_lowest_code(tree):
    assert tree.grid_a1.code < tree.grid_a2.code
    for lat in (23.40, 23.405, 23.41, 23.42):
        assert geo.locate(lat, 111.21) == tree.grid_a1


def test_shared_edge_does_not_depend_on_insertion_order(tree):
    # Re-create A1 after A2 so that it has the higher id: still the lowest code wins.
    boundary = tree.grid_a1.boundary
    Place.objects.filter(pk=tree.grid_a1.pk).update(code="450403001001009", path="x/")
    low = services.place_create(
        actor=None,
        code="450403001001000",
        name="A0",
        level=Level.GRID,
        parent=tree.community_a,
        boundary=boundary,
    )
    assert low.pk > tree.grid_a2.pk
    assert geo.locate(23.41, 111.21) == low


def test_point_on_an_outer_edge_and_corner_is_inside(tree):
    assert geo.locate(23.41, 111.20) == tree.grid_a1  # west edge of A1
    assert geo.locate(23.40, 111.215) == tree.grid_a2  # south edge of A2
    assert geo.locate(23.42, 111.22) == tree.grid_a2  # north-east corner of A2


def test_point_outside_every_grid_is_none(tree):
    assert geo.locate(23.41, 111.25) is None  # inside street A's outline, but in no grid
    assert geo.locate(23.4201, 111.205) is None  # just north of A1
    assert geo.locate(0, 0) is None


def test_no_grids_at_all_is_none(db):
    assert geo.locate(23.41, 111.205) is None


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91, 111.2), (-90.5, 0), (23.4, 180.01), (23.4, -181), (float("nan"), 1), (1, float("inf"))],
)
def test_out_of_range_coordinates_are_refused(tree, lat, lon):
    with pytest.raises(ValidationFailed):
        geo.locate(lat, lon)


def test_boundary_change_through_the_service_rebuilds_the_index(tree):
    assert geo.locate(23.41, 111.25) is None
    services.place_update_boundary(
        actor=None,
        place=tree.grid_a2,
        boundary={
            "type": "Polygon",
            "coordinates": [
                [
                    [111.21, 23.40],
                    [111.26, 23.40],
                    [111.26, 23.42],
                    [111.21, 23.42],
                    [111.21, 23.40],
                ]
            ],
        },
    )
    assert geo.locate(23.41, 111.25) == tree.grid_a2


def test_change_written_by_another_process_is_noticed(tree):
    """Another process with its own local cache cannot bump ours: the database part of the
    version (latest updated_at) must reveal the change."""
    assert geo.locate(23.41, 111.205) == tree.grid_a1
    moved = {
        "type": "Polygon",
        "coordinates": [
            [[111.50, 23.50], [111.51, 23.50], [111.51, 23.51], [111.50, 23.51], [111.50, 23.50]]
        ],
    }
    Place.objects.filter(pk=tree.grid_a1.pk).update(
        boundary=moved, updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    assert geo.locate(23.41, 111.205) is None
    assert geo.locate(23.505, 111.505) == tree.grid_a1


def test_cache_version_bump_alone_forces_a_rebuild(tree, django_assert_num_queries):
    geo.locate(23.41, 111.205)
    with django_assert_num_queries(1):  # the statistics; the tree and its rows are reused
        geo.locate(23.41, 111.205)
    geo.boundaries_changed()
    with django_assert_num_queries(2):  # the statistics + the rebuild
        geo.locate(23.41, 111.205)


def test_statistics_are_read_at_most_once_per_recheck_interval(
    tree, settings, monkeypatch, django_assert_num_queries
):
    settings.SNAPSHOT_RECHECK_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(snapshot.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(geo.GRID_INDEX, "_checked_at", float("-inf"))  # restored afterwards
    geo.locate(23.41, 111.205)
    clock[0] += 9
    with django_assert_num_queries(0):
        assert geo.locate(23.41, 111.205) == tree.grid_a1
    # Written around the services: noticed only once the interval has passed.
    Place.objects.filter(pk=tree.grid_a1.pk).update(boundary=None)
    assert geo.locate(23.41, 111.205) == tree.grid_a1
    clock[0] += 2
    assert geo.locate(23.41, 111.205) is None


def test_located_grid_is_a_copy_of_the_indexed_row(tree):
    found = geo.locate(23.41, 111.205)
    found.name = "changed by a caller"
    assert geo.locate(23.41, 111.205).name == tree.grid_a1.name


def test_new_grid_is_found(tree):
    services.place_create(
        actor=None,
        code="450403002001002",
        name="河东社区第2网格",
        level=Level.GRID,
        parent=tree.community_b,
        boundary={
            "type": "Polygon",
            "coordinates": [
                [
                    [111.32, 23.40],
                    [111.33, 23.40],
                    [111.33, 23.41],
                    [111.32, 23.41],
                    [111.32, 23.40],
                ]
            ],
        },
    )
    assert geo.locate(23.405, 111.325).code == "450403002001002"


def test_only_grids_are_located(tree):
    # The district and streets have boundaries too, but locate answers grids only.
    assert geo.locate(23.55, 111.35) is None
