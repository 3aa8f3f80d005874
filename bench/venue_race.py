"""Requests racing to book the same venue for the same hour, on PostgreSQL (issue 15): one wins.

Seeding (a temporary PostgreSQL database on BENCH_PG_URL, dropped after): a district with one
community, its activity room open for booking all day (confirmed at once, no approval), and N
volunteer teams of the community, each led by its own leader (a resident, no official role).
Each round, the N leaders ask at once for the same hour of the room (another hour each round),
from a pool of threads, each thread with its own database connection, through the real
`meihao.venues.services.booking_request` (purpose, holder and times checked, then the venue's
row locked and the overlap looked for). Checked every round: exactly one booking made, every
other request refused with the slot taken (`ValidationFailed`, code "taken", its message saying
from when to when the venue is booked), no other error, and the database holds exactly one
booking, confirmed, overlapping that hour.

Baseline: the same N attempts from the same threads as bare INSERTs of N bookings of distinct
slots (autocommit, no lock, no check). Ratio = race time / baseline time (median over the
rounds); no goal: what is asked is exactness. Also shown: N bookings of N distinct slots of the
room through the service from the same threads (all made: the lock on the venue serialises them
too), which says what of the race is the lock's queue and what the refusals.

Threads: PostgreSQL allows 100 connections by default and this machine's server is shared, so
the N requests run from at most 50 threads (one each at N = 50).

    python -m bench.venue_race [--requests 50] [--threads 50] [--rounds 5]
"""

import argparse
import datetime
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from bench._django import emit, environment, postgres_database, race, run_worker, setup_django

REQUESTS = 50
THREADS = 50
ROUNDS = 5
PURPOSE = "合唱队排练"


def _world(requests: int):
    from meihao.core.testing import make_place
    from meihao.people.models import Person, Team, TeamMember, User
    from meihao.places.models import Level, Venue

    district = make_place("450403", "万秀区", Level.DISTRICT)
    street = make_place("450403001", "城东街道", Level.STREET, district)
    community = make_place("450403001001", "骑楼社区", Level.COMMUNITY, street)
    venue = Venue.objects.create(
        name="骑楼社区文体活动室",
        kind=Venue.Kind.ACTIVITY_ROOM,
        place=community,
        place_path=community.path,
        capacity=80,
        bookable=True,  # open all day, confirmed at once
    )
    racers = []
    for n in range(requests):
        # No password: hashing N of them would take longer than the benchmark.
        user = User.objects.create_user(f"1370000{n:04d}", None, name=f"队长{n}")
        person = Person.objects.create(
            user=user,
            real_name=user.name,
            phone=user.phone,
            home_place=community,
            home_place_path=community.path,
        )
        team = Team.objects.create(
            name=f"骑楼社区第{n + 1}志愿服务队",
            kind=Team.Kind.VOLUNTEER,
            place=community,
            place_path=community.path,
        )
        TeamMember.objects.create(team=team, person=person, position=TeamMember.Position.LEADER)
        racers.append((user, team))
    return venue, racers


def _hour(day_offset: int, minute: int, minutes: int):
    """[start, end) on the day `day_offset` days ahead, `minute` minutes after midnight."""
    from django.utils import timezone

    midnight = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=day_offset),
        datetime.time(0),
        tzinfo=timezone.get_current_timezone(),
    )
    start = midnight + datetime.timedelta(minutes=minute)
    return start, start + datetime.timedelta(minutes=minutes)


def _round(number: int, threads: int, world) -> dict:
    from django.utils import timezone

    from meihao.core.errors import ValidationFailed
    from meihao.venues.models import Booking
    from meihao.venues.services import booking_request

    venue, racers = world
    # Tomorrow 08:00–09:00, then 09:00–10:00 …, the day after from the thirteenth round on.
    starts_at, ends_at = _hour(1 + number // 12, 60 * (8 + number % 12), 60)
    refusals: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt(n):
        user, team = racers[n]
        try:
            booking_request(
                actor=user,
                venue=venue,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=PURPOSE,
                team=team,
            )
        except ValidationFailed as refused:
            with lock:
                refusals.append((refused.code, str(refused.message)))
            return False
        return True

    seconds, won, refused, errors = race(threads, len(racers), attempt)
    if errors:
        raise RuntimeError(f"booking errors: {errors[:3]!r}")
    held = Booking.objects.holding().filter(
        venue=venue, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    shown = [f"{timezone.localtime(t):%H:%M}" for t in (starts_at, ends_at)]
    return {
        "seconds": seconds,
        "slot": f"{timezone.localtime(starts_at):%Y-%m-%d} {shown[0]}–{shown[1]}",
        "won": len(won),
        "refused": len(refused),
        "taken": sum(1 for code, _message in refusals if code == "taken"),
        "says_when": sum(1 for _code, message in refusals if all(s in message for s in shown)),
        "other_codes": sorted({code for code, _message in refusals if code != "taken"}),
        "message": refusals[0][1] if refusals else "",
        "held": held.count(),
        "held_confirmed": held.filter(status=Booking.Status.CONFIRMED).count(),
    }


def _slots(day_offset: int, count: int) -> list:
    """`count` distinct slots, one after the other, filling the day `day_offset` days ahead."""
    minutes = max(1, 24 * 60 // count)
    return [_hour(day_offset, minutes * n, minutes) for n in range(count)]


def _distinct_slots(number: int, threads: int, world) -> dict:
    """N bookings of N distinct slots of the room on one day, through the service."""
    from meihao.venues.models import Booking
    from meihao.venues.services import booking_request

    venue, racers = world
    slots = _slots(100 + number, len(racers))

    def attempt(n):
        user, team = racers[n]
        booking_request(
            actor=user,
            venue=venue,
            starts_at=slots[n][0],
            ends_at=slots[n][1],
            purpose=PURPOSE,
            team=team,
        )
        return True

    seconds, won, _refused, errors = race(threads, len(racers), attempt)
    if errors:
        raise RuntimeError(f"distinct-slot errors: {errors[:3]!r}")
    made = Booking.objects.holding().filter(
        venue=venue, starts_at__gte=slots[0][0], ends_at__lte=slots[-1][1]
    )
    return {"seconds": seconds, "won": len(won), "held": made.count()}


def _baseline(number: int, threads: int, world) -> dict:
    """The same N attempts as bare INSERTs of bookings of N distinct slots (autocommit)."""
    from django.db import connection
    from django.utils import timezone

    from meihao.venues.models import Booking

    venue, racers = world
    slots = _slots(200 + number, len(racers))
    varying = ["venue_id", "place_path", "booked_by_id", "team_id", "purpose", "starts_at",
               "ends_at", "status", "created_at", "updated_at"]  # fmt: skip
    constant = {}
    for field in Booking._meta.concrete_fields:
        if field.primary_key or field.column in varying:
            continue
        constant[field.column] = field.get_db_prep_save(field.get_default(), connection)
    columns = varying + list(constant)
    sql = (
        f"INSERT INTO {Booking._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )

    def attempt(n):
        user, team = racers[n]
        now = timezone.now()
        row = [venue.pk, venue.place_path, user.pk, team.pk, PURPOSE, *slots[n],
               Booking.Status.CONFIRMED, now, now, *constant.values()]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, row)
            return cursor.rowcount == 1

    seconds, won, _refused, errors = race(threads, len(racers), attempt)
    if errors:
        raise RuntimeError(f"baseline errors: {errors[:3]!r}")
    return {"seconds": seconds, "won": len(won)}


def worker(requests: int, threads: int, rounds: int) -> dict:
    setup_django()
    from django.db import connection

    world = _world(requests)
    threads = min(threads, requests)
    results, distinct, baselines = [], [], []
    for number in range(rounds):
        results.append(_round(number, threads, world))
        distinct.append(_distinct_slots(number, threads, world))
        baselines.append(_baseline(number, threads, world))
    return {
        "vendor": connection.vendor,
        "requests": requests,
        "threads": threads,
        "rounds": results,
        "distinct": distinct,
        "baselines": baselines,
    }


def report(result: dict) -> bool:
    ok = True
    requests = result["requests"]
    vendor = result["vendor"]
    for n, (r, d, b) in enumerate(
        zip(result["rounds"], result["distinct"], result["baselines"], strict=True)
    ):
        exact = (
            r["won"] == 1
            and r["refused"] == requests - 1
            and r["taken"] == requests - 1
            and r["says_when"] == requests - 1
            and not r["other_codes"]
            and r["held"] == 1
            and r["held_confirmed"] == 1
            and d["won"] == d["held"] == requests
            and b["won"] == requests
        )
        ok = ok and exact
        print(
            f"[{vendor}] round {n + 1}: {r['slot']}: {r['won']} booked, {r['refused']} refused "
            f"({r['taken']} as taken, {r['says_when']} saying when; other codes "
            f"{r['other_codes'] or 'none'}), {r['held']} holding the hour in the database "
            f"({r['held_confirmed']} confirmed) in {r['seconds'] * 1000:.0f} ms; distinct slots "
            f"{d['held']} of {requests} booked in {d['seconds'] * 1000:.0f} ms; bare INSERT "
            f"{b['won']} in {b['seconds'] * 1000:.0f} ms{'' if exact else '  <-- NOT EXACT'}"
        )
    if result["rounds"]:
        print(f"[{vendor}] a refusal reads: {result['rounds'][0]['message']}")
    booked = statistics.median(r["seconds"] for r in result["rounds"])
    distinct = statistics.median(d["seconds"] for d in result["distinct"])
    bare = statistics.median(b["seconds"] for b in result["baselines"])
    print(
        f"[{vendor}] {requests} requests for one hour from {result['threads']} threads: "
        f"{booked * 1000:.0f} ms ({requests / booked:.0f}/s), bare INSERT {bare * 1000:.0f} ms; "
        f"ratio {booked / bare:.1f}× (median of {len(result['rounds'])} rounds; {requests} "
        f"distinct slots through the service {distinct * 1000:.0f} ms, "
        f"{distinct / bare:.1f}×; no goal: exactly one booked every round "
        f"{'yes' if ok else 'NO'})"
    )
    return ok


def run(requests: int = REQUESTS, threads: int = THREADS, rounds: int = ROUNDS) -> bool:
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch, postgres_database() as url:
        if url is None:
            print("[postgresql] skipped: no PostgreSQL at BENCH_PG_URL")
            return True
        env = environment(Path(scratch), url)
        args = ["--requests", str(requests), "--threads", str(threads), "--rounds", str(rounds)]
        return report(run_worker("bench.venue_race", env, *args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.requests, args.threads, args.rounds))
    else:
        sys.exit(0 if run(args.requests, args.threads, args.rounds) else 1)
