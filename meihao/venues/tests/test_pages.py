"""The venue bookings' pages: the list with its map, a venue's slots (who holds them only for
its officials and the booker), the booking form refusing bad input with a message and changing
nothing, one's own bookings, the officials' requests; text escaped wherever it is shown."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from meihao.activities.models import Activity
from meihao.core.testing import assert_refused_back
from meihao.venues import services
from meihao.venues.models import Booking

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE), tick=False):
        yield


def _at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=ZONE)


def test_the_list_filters_and_maps_the_bookable_venues(client, hall, personas):
    hall.venue.name = f"活动室{SCRIPT}"
    hall.venue.save()
    client.force_login(personas.resident_a)
    html = client.get(reverse("venues:list")).content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert f'data-venue="{hall.venue.pk}"' in html and f'data-venue="{hall.centre.pk}"' in html
    points = json.loads(re.search(r'id="venue-points"[^>]*>(.*?)</script>', html, re.S)[1])
    assert {f["properties"]["url"] for f in points["features"]} == {
        reverse("venues:detail", args=[v.pk]) for v in (hall.venue, hall.centre)
    }
    rooms = client.get(reverse("venues:list"), {"kind": "activity_room"}).content.decode()
    assert (
        f'data-venue="{hall.venue.pk}"' in rooms and f'data-venue="{hall.centre.pk}"' not in rooms
    )
    elsewhere = client.get(reverse("venues:list"), {"place": personas.tree.street_b.code})
    assert f'data-venue="{hall.venue.pk}"' not in elsewhere.content.decode()
    found = client.get(reverse("venues:list"), {"q": "实践站", "place": "x", "kind": "casino"})
    assert found.status_code == 200
    assert f'data-venue="{hall.centre.pk}"' in found.content.decode()
    client.logout()
    assert client.get(reverse("venues:list")).status_code == 302  # log in first


def test_the_holder_is_shown_to_the_venues_officials_and_the_booker_alone(client, hall, personas):
    booking = services.booking_request(
        actor=hall.leader,
        venue=hall.venue,
        starts_at=_at(3, 10),
        ends_at=_at(3, 11),
        purpose=f"排练{SCRIPT}",
        team=hall.team,
    )
    url = reverse("venues:detail", args=[hall.venue.pk])
    for user in (personas.resident_a, personas.grid_worker_a, personas.resident_b):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert f'data-booking="{booking.pk}"' in html and "已预约" in html, user
        assert hall.team.name not in html and "排练" not in html, user
        assert 'id="book-form"' not in html  # they book for nobody
    for user in (personas.community_staff_a, personas.street_chief_a, hall.leader):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert hall.team.name in html and "排练&lt;script&gt;" in html and SCRIPT not in html
    # A venue not open for booking, and ids that are not ids, are not found.
    hall.centre.bookable = False
    hall.centre.save()
    for bad in (hall.centre.pk, "x", "9" * 30, "-1"):
        assert client.get(reverse("venues:detail", args=[bad])).status_code == 404


def test_a_leader_books_for_their_team_and_bad_input_changes_nothing(client, hall, personas):
    client.force_login(hall.leader)
    url = reverse("venues:book", args=[hall.venue.pk])
    page = client.get(reverse("venues:detail", args=[hall.venue.pk])).content.decode()
    assert f'value="team:{hall.team.pk}"' in page and f"team:{hall.other_team.pk}" not in page
    good = {
        "holder": f"team:{hall.team.pk}",
        "purpose": "合唱排练",
        "starts_at": "2026-03-05T10:00",
        "ends_at": "2026-03-05T11:00",
    }
    for bad, said in (
        ({"starts_at": "2026-02-30T10:00"}, "日期"),
        ({"ends_at": "2026-03-05T09:00"}, "结束"),
        ({"starts_at": "2026-03-05T06:00"}, "08:00"),
        ({"starts_at": "2026-03-01T10:00", "ends_at": "2026-03-01T11:00"}, "已过"),
        ({"holder": f"team:{hall.other_team.pk}"}, "团队"),
        ({"holder": "team:x"}, "团队"),
        ({"purpose": ""}, "用途"),
    ):
        response = client.post(url, {**good, **bad})
        assert response.status_code == 400, bad
        assert said in response.content.decode(), (bad, said)
    assert not Booking.objects.exists()
    response = client.post(url, good)
    assert response.status_code == 302 and response["Location"] == reverse("venues:mine")
    again = client.post(url, good)
    assert again.status_code == 400 and "10:00" in again.content.decode()
    assert Booking.objects.count() == 1
    # A resident leading nothing cannot book: the form is not theirs.
    client.force_login(personas.resident_a)
    assert client.post(url, good).status_code == 404


def test_my_bookings_cancel_and_hold_an_activity(client, hall, personas):
    booking = services.booking_request(
        actor=hall.leader,
        venue=hall.venue,
        starts_at=_at(5, 14),
        ends_at=_at(5, 16),
        purpose="合唱演出",
        team=hall.team,
    )
    client.force_login(hall.leader)
    mine = reverse("venues:mine")
    html = client.get(mine).content.decode()
    assert f'data-booking="{booking.pk}"' in html and "合唱演出" in html
    activity_url = reverse("venues:activity", args=[booking.pk])
    refused = client.post(
        activity_url, {"kind": "cultural_event", "title": "演出", "capacity": "x"}
    )
    assert refused.status_code == 400 and not Activity.objects.exists()
    response = client.post(
        activity_url, {"kind": "cultural_event", "title": "红棉合唱团演出", "capacity": "40"}
    )
    activity = Activity.objects.get()
    assert response["Location"] == reverse("activities:detail", args=[activity.pk])
    assert_refused_back(
        client,
        reverse("venues:cancel", args=[booking.pk]),
        page=mine,
        status=409,
        message="这次预约上已安排活动：请先取消活动。",
    )
    other = services.booking_request(
        actor=hall.leader,
        venue=hall.venue,
        starts_at=_at(6, 14),
        ends_at=_at(6, 16),
        purpose="排练",
        team=hall.team,
    )
    client.post(reverse("venues:cancel", args=[other.pk]), {"next": mine})
    other.refresh_from_db()
    assert other.status == Booking.Status.CANCELLED
    # Somebody else's booking is not found.
    client.force_login(personas.resident_a)
    assert client.post(reverse("venues:cancel", args=[booking.pk])).status_code == 404


def test_the_officials_confirm_and_decline_requests(client, hall, personas):
    waiting = services.booking_request(
        actor=hall.leader,
        venue=hall.centre,
        starts_at=_at(5, 14),
        ends_at=_at(5, 16),
        purpose=SCRIPT,
        team=hall.team,
    )
    later = services.booking_request(
        actor=hall.leader,
        venue=hall.centre,
        starts_at=_at(6, 14),
        ends_at=_at(6, 16),
        purpose="讲座",
        team=hall.team,
    )
    requests = reverse("venues:requests")
    for user in (personas.resident_a, hall.leader, personas.grid_worker_a):
        client.force_login(user)
        assert client.get(requests).status_code == 404
        response = client.post(reverse("venues:decide", args=[waiting.pk]), {"decision": "confirm"})
        assert response.status_code == 404
    client.force_login(personas.community_staff_a)
    html = client.get(requests).content.decode()
    assert f'data-booking="{waiting.pk}"' in html and SCRIPT not in html
    decide = reverse("venues:decide", args=[waiting.pk])
    assert_refused_back(
        client,
        decide,
        {"decision": "decline"},
        page=requests,
        status=400,
        message="请说明不同意的原因。",
    )
    assert client.post(decide, {"decision": "maybe"}).status_code == 400
    client.post(decide, {"decision": "confirm", "next": requests})
    client.post(
        reverse("venues:decide", args=[later.pk]),
        {"decision": "decline", "reason": "当天另有安排", "next": requests},
    )
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert (waiting.status, later.status) == (Booking.Status.CONFIRMED, Booking.Status.DECLINED)
    # Decided, nothing waits any more.
    client.force_login(personas.street_chief_a)
    assert 'data-booking="' not in client.get(requests).content.decode()
