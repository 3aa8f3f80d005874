"""The counselling rooms' figure: the 心灵驿站 venues of a place standing at the period's end."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from meihao.insights.registry import REGISTRY, Span
from meihao.places.models import Venue

pytestmark = pytest.mark.django_db
OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def venue(place, name, kind=Venue.Kind.COUNSELLING) -> Venue:
    return Venue.objects.create(
        name=name, kind=kind, place=place, place_path=place.path, address=f"{name}地址"
    )


def test_the_counselling_rooms_are_the_places_counselling_venues_standing(personas):
    tree = personas.tree
    with time_machine.travel(OPENED, tick=False):
        room_a = venue(tree.community_a, "骑楼社区心灵驿站")
        venue(tree.community_b, "河东社区心灵驿站")
        venue(tree.community_a, "骑楼社区文体活动室", Venue.Kind.ACTIVITY_ROOM)
    indicator = REGISTRY["counselling_rooms"]
    opened = timezone.localdate(OPENED)

    def count(place, day=opened):
        return indicator.measure(Span.of(place.path, day, day)).value

    assert (count(tree.district), count(tree.street_a), count(tree.community_b)) == (2, 1, 1)
    # None stood the day before they were recorded.
    assert count(tree.district, opened - datetime.timedelta(days=1)) == 0
    records = list(indicator.records(Span.of(tree.street_a.path, opened, opened)))
    assert records == [room_a]
    assert [str(column.value(room_a)) for column in indicator.columns] == [
        "骑楼社区心灵驿站",
        "骑楼社区",
        "骑楼社区心灵驿站地址",
    ]
