"""Venue bookings end to end: who may book for whom, no double booking (touching slots are
fine), the venue's hours, approval by the venue's officials, cancelling, an activity held on a
booking, the figures; bad input is refused in words and changes nothing."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from meihao.activities.models import Activity
from meihao.activities.services import may_organise
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.insights.registry import REGISTRY, Span
from meihao.notify.models import Message
from meihao.venues import services
from meihao.venues.models import Booking

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)  # a Monday


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


def _book(hall, actor=None, venue=None, start=(5, 10), end=(5, 11), **extra):
    fields = {"purpose": "合唱排练", "team": hall.team}
    fields.update(extra)
    return services.booking_request(
        actor=actor or hall.leader,
        venue=venue or hall.venue,
        starts_at=_at(*start),
        ends_at=_at(*end),
        **fields,
    )


def test_a_team_leader_books_a_slot_confirmed_at_once(hall):
    booking = _book(hall)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.place_path == hall.venue.place_path
    assert booking.booked_by == hall.leader and booking.team == hall.team
    assert booking.holder_name == hall.team.name


def test_an_overlapping_booking_is_refused_and_nothing_is_written(hall, personas):
    _book(hall, start=(5, 10), end=(5, 12))
    for start, end in (((5, 11), (5, 13)), ((5, 9), (5, 10, 30)), ((5, 10, 30), (5, 11))):
        with pytest.raises(ValidationFailed) as refused:
            _book(hall, actor=personas.community_staff_a, start=start, end=end, team=None)
        assert refused.value.code == "taken"
        assert "10:00" in str(refused.value.message) and "12:00" in str(refused.value.message)
    assert Booking.objects.count() == 1
    # Touching is not overlapping: [12, 13) after [10, 12), and [9, 10) before it.
    _book(hall, start=(5, 12), end=(5, 13))
    _book(hall, start=(5, 9), end=(5, 10))
    # Another venue is free at the same time.
    _book(hall, venue=hall.centre, start=(5, 10), end=(5, 12))
    assert Booking.objects.count() == 4


def test_touching_slots_are_both_booked(hall):
    first = _book(hall, start=(5, 10), end=(5, 11))
    second = _book(hall, start=(5, 11), end=(5, 12))
    assert {first.status, second.status} == {Booking.Status.CONFIRMED}


@pytest.mark.parametrize(
    ("start", "end", "code", "field"),
    [
        ((5, 7), (5, 9), "closed", "starts_at"),  # opens at 08:00
        ((5, 21), (5, 22), "closed", "starts_at"),  # closes at 21:30
        ((5, 11), (5, 10), None, "ends_at"),  # end before start
        ((5, 10), (5, 10), None, "ends_at"),
        ((2, 8), (2, 10), "in_past", "starts_at"),  # started an hour ago
        ((5, 20), (6, 9), "overnight", "ends_at"),
    ],
)
def test_bad_times_are_refused_and_change_nothing(hall, start, end, code, field):
    with pytest.raises(ValidationFailed) as refused:
        _book(hall, start=start, end=end)
    assert refused.value.field == field
    if code:
        assert refused.value.code == code
    assert not Booking.objects.exists()


def test_hours_open_all_day_and_the_longest_booking(hall, personas):
    hall.venue.opens_at = hall.venue.closes_at = None
    hall.venue.save()
    _book(hall, start=(5, 6), end=(5, 18))  # 12 hours
    with pytest.raises(ValidationFailed) as refused:
        _book(hall, start=(6, 6), end=(6, 18, 30))
    assert refused.value.code == "too_long"
    with pytest.raises(ValidationFailed):  # not a time at all
        services.booking_request(
            actor=hall.leader,
            venue=hall.venue,
            starts_at=None,
            ends_at=_at(7, 10),
            purpose="x",
            team=hall.team,
        )
    with pytest.raises(ValidationFailed) as refused:
        _book(hall, start=(7, 10), end=(7, 11), purpose=" ")
    assert refused.value.field == "purpose"
    with pytest.raises(ValidationFailed) as refused:
        _book(hall, start=(7, 10), end=(7, 11), purpose="长" * 101)
    assert refused.value.code == "max_length"
    hall.venue.bookable = False
    hall.venue.save()
    with pytest.raises(ValidationFailed) as refused:
        _book(hall, start=(7, 10), end=(7, 11))
    assert refused.value.code == "not_bookable"
    assert Booking.objects.count() == 1


def test_who_books_for_whom(hall, personas):
    # A resident leading nothing, and a grid worker, book for nobody.
    for user in (personas.resident_a, personas.grid_worker_a):
        assert not services.may_book(user, hall.venue)
        with pytest.raises(ValidationFailed) as refused:
            _book(hall, actor=user, team=None)
        assert refused.value.code == "no_holder"
    # A leader books for their own team only; the other team is not theirs.
    with pytest.raises(ValidationFailed) as refused:
        _book(hall, team=hall.other_team)
    assert refused.value.field == "team"
    with pytest.raises(ValidationFailed):  # nor an organisation they do not work for
        _book(hall, team=None, organisation=personas.department)
    with pytest.raises(ValidationFailed):  # one holder at a time
        _book(hall, actor=personas.department_staff, organisation=personas.department)
    # A department's staff book for their department.
    booking = _book(
        hall, actor=personas.department_staff, team=None, organisation=personas.department
    )
    assert booking.holder_name == personas.department.name
    with pytest.raises(ValidationFailed):
        _book(
            hall,
            actor=personas.merchant_staff,
            team=None,
            organisation=personas.department,
            start=(6, 10),
            end=(6, 11),
        )
    # The community's staff book for their own work, without a holder.
    own = _book(hall, actor=personas.community_staff_a, team=None, start=(6, 10), end=(6, 11))
    assert own.holder_name == personas.community_staff_a.name
    assert Booking.objects.count() == 2


def test_a_venue_needing_approval_waits_for_its_community(hall, personas):
    booking = _book(hall, venue=hall.centre)
    assert booking.status == Booking.Status.REQUESTED
    told = Message.objects.filter(kind="venue_booking_requested")
    assert list(told.values_list("recipient", flat=True)) == [personas.community_staff_a.pk]
    # The slot is held while it waits.
    with pytest.raises(ValidationFailed):
        _book(hall, actor=personas.community_staff_a, venue=hall.centre, team=None)
    # Nobody but the venue's officials decides.
    for user in (hall.leader, personas.grid_worker_a, personas.resident_b):
        with pytest.raises(NotFound):
            services.booking_decide(actor=user, booking=booking, confirm=True)
    with pytest.raises(ValidationFailed):  # a decline says why
        services.booking_decide(actor=personas.community_staff_a, booking=booking, confirm=False)
    decided = services.booking_decide(
        actor=personas.community_staff_a, booking=booking, confirm=True
    )
    assert decided.status == Booking.Status.CONFIRMED
    assert decided.decided_by == personas.community_staff_a and decided.decided_at == NOW
    answer = Message.objects.get(kind="venue_booking_answered")
    assert answer.recipient == hall.leader
    with pytest.raises(IllegalTransition):  # decided once
        services.booking_decide(
            actor=personas.street_chief_a, booking=booking, confirm=False, reason="晚了"
        )


def test_a_declined_request_frees_the_slot_and_tells_why(hall, personas):
    booking = _book(hall, venue=hall.centre)
    services.booking_decide(
        actor=personas.street_chief_a, booking=booking, confirm=False, reason="当天有选举工作"
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    assert "当天有选举工作" in Message.objects.get(kind="venue_booking_answered").body
    again = _book(hall, venue=hall.centre)
    assert again.status == Booking.Status.REQUESTED


def test_cancelling_before_the_start_frees_the_slot(hall, personas):
    booking = _book(hall)
    with pytest.raises(NotFound):  # somebody else's
        services.booking_cancel(actor=personas.resident_a, booking=booking)
    with pytest.raises(ValidationFailed):  # an official says why
        services.booking_cancel(actor=personas.community_staff_a, booking=booking)
    services.booking_cancel(actor=hall.leader, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not Message.objects.filter(kind="venue_booking_answered").exists()
    with pytest.raises(IllegalTransition):
        services.booking_cancel(actor=hall.leader, booking=booking)
    retaken = _book(hall)
    services.booking_cancel(actor=personas.community_staff_a, booking=retaken, reason="场地维修")
    assert "场地维修" in Message.objects.get(kind="venue_booking_answered").body
    started = _book(hall)
    with time_machine.travel(_at(5, 10, 1), tick=False), pytest.raises(IllegalTransition):
        services.booking_cancel(actor=hall.leader, booking=started)


def test_an_activity_is_held_on_a_booking(hall, personas):
    booking = _book(hall, start=(5, 14), end=(5, 16))
    with pytest.raises(ValidationFailed) as refused:  # more than the room holds
        services.activity_from_booking(
            actor=hall.leader, booking=booking, kind="cultural_event", title="合唱", capacity=60
        )
    assert refused.value.field == "capacity"
    with pytest.raises(ValidationFailed) as refused:  # a party meeting is the party's own
        services.activity_from_booking(
            actor=hall.leader, booking=booking, kind="branch_meeting", title="会", capacity=10
        )
    assert refused.value.field == "kind"
    with pytest.raises(NotFound):
        services.activity_from_booking(
            actor=personas.resident_a, booking=booking, kind="cultural_event", title="x", capacity=9
        )
    assert not Activity.objects.exists()
    held = services.activity_from_booking(
        actor=hall.leader,
        booking=booking,
        kind="cultural_event",
        title="红棉合唱团周末演出",
        capacity=40,
    )
    activity = held.activity
    assert activity.venue == hall.venue.name and activity.place == personas.tree.community_a
    assert (activity.starts_at, activity.ends_at) == (_at(5, 14), _at(5, 16))
    assert (activity.lat, activity.lon) == (hall.venue.lat, hall.venue.lon)
    assert activity.organiser_team == hall.team and activity.status == Activity.Status.DRAFT
    assert may_organise(hall.leader, activity)
    with pytest.raises(IllegalTransition):  # one activity a booking
        services.activity_from_booking(
            actor=hall.leader, booking=booking, kind="cultural_event", title="又一", capacity=9
        )
    with pytest.raises(IllegalTransition):  # cancel the activity first
        services.booking_cancel(actor=hall.leader, booking=booking)
    # An organisation's staff do not organise activities here; a request does not hold one.
    unit = _book(
        hall,
        actor=personas.department_staff,
        team=None,
        organisation=personas.department,
        start=(6, 10),
        end=(6, 11),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.activity_from_booking(
            actor=personas.department_staff,
            booking=unit,
            kind="cultural_event",
            title="x",
            capacity=9,
        )
    assert refused.value.code == "not_organiser"
    waiting = _book(hall, venue=hall.centre)
    with pytest.raises(IllegalTransition):
        services.activity_from_booking(
            actor=hall.leader, booking=waiting, kind="cultural_event", title="x", capacity=9
        )


def test_the_figures_count_confirmed_bookings_and_their_hours(hall, personas):
    _book(hall, start=(5, 10), end=(5, 12))
    _book(hall, start=(6, 9), end=(6, 10, 30))
    _book(hall, venue=hall.centre, start=(5, 10), end=(5, 12))  # waiting: not counted
    cancelled = _book(hall, start=(7, 10), end=(7, 11))
    services.booking_cancel(actor=hall.leader, booking=cancelled)
    span = Span.of(
        personas.tree.district.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    )
    bookings = REGISTRY["venue_bookings"]
    assert bookings.measure(span).value == 2
    assert REGISTRY["venue_use_hours"].measure(span).value == 3.5
    from meihao.insights.registry import ranked

    rows = ranked(bookings, bookings.ranking("venue"), span)
    assert [(row["name"], row["measure"].value) for row in rows] == [(hall.venue.name, 2)]
    outside = Span.of(
        personas.tree.street_b.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    )
    assert bookings.measure(outside).value == 0
    assert REGISTRY["venue_use_hours"].measure(outside).value == 0


def test_the_recreation_venues_are_the_bookable_venues_of_the_place(hall, personas, client):
    from meihao.insights.registry import ranked
    from meihao.places.models import Venue

    tree = personas.tree
    river = Venue.objects.create(
        name="河东社区文化广场",
        kind=Venue.Kind.SQUARE,
        place=tree.community_b,
        place_path=tree.community_b.path,
        bookable=True,
    )
    Venue.objects.create(  # open to all, not for booking: not counted
        name="骑楼社区健身苑",
        kind=Venue.Kind.SPORTS,
        place=tree.community_a,
        place_path=tree.community_a.path,
    )
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=ZONE), tick=False):
        later = Venue.objects.create(  # recorded after March: not yet there
            name="骑楼社区农家书屋",
            kind=Venue.Kind.LIBRARY,
            place=tree.community_a,
            place_path=tree.community_a.path,
            bookable=True,
        )
    venues = REGISTRY["venues"]

    def march(place):
        return Span.of(place.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))

    assert venues.measure(march(tree.district)).value == 3
    assert list(venues.records(march(tree.street_a))) == [hall.venue, hall.centre]
    assert list(venues.records(march(tree.street_b))) == [river]
    assert venues.measure(march(tree.grid_a1)).value == 0  # the venues are the community's
    april = Span.of(tree.district.path, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert later in venues.records(april) and venues.measure(april).value == 4

    by_community = ranked(venues, venues.ranking("community"), march(tree.district))
    assert [(r["name"], r["measure"].value) for r in by_community] == [
        (tree.community_a.name, 2),
        (tree.community_b.name, 1),
    ]
    by_kind = ranked(venues, venues.ranking("kind"), march(tree.district))
    assert sorted((str(r["name"]), r["measure"].value) for r in by_kind) == sorted(
        (str(Venue.Kind(v.kind).label), 1) for v in (hall.venue, hall.centre, river)
    )
    # Each row: the venue, its kind, place, hours for bookings and size, linked to its page.
    row = [column.value(hall.venue) for column in venues.columns]
    assert row == [hall.venue.name, hall.venue.get_kind_display(), "骑楼社区", "08:00–21:30", 50]
    assert [column.value(river) for column in venues.columns][3:] == ["全天", ""]
    client.force_login(hall.leader)
    assert client.get(venues.link(river)).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_two_teams_racing_for_the_same_hour_are_not_both_booked(hall, personas):
    racers = [
        (hall.leader, {"team": hall.team}),
        (personas.community_staff_a, {}),
        (personas.street_chief_a, {}),
        (personas.department_staff, {"organisation": personas.department}),
    ]
    barrier = threading.Barrier(len(racers))
    refused, errors = [], []

    def racer(user, holder):
        try:
            barrier.wait()
            services.booking_request(
                actor=user,
                venue=hall.venue,
                starts_at=_at(5, 10),
                ends_at=_at(5, 11),
                purpose="抢同一个钟点",
                **holder,
            )
        except ValidationFailed as exc:
            refused.append(exc.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=racer_args) for racer_args in racers]
    with time_machine.travel(NOW, tick=False):  # one clock for every thread
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert refused == ["taken"] * 3
    assert Booking.objects.count() == 1
