"""The demo's patrol history: the last two weeks of every grid worker's daily patrol (网格巡查),
each taken through the real patrol services (meihao.patrols.services) as of the moment it
happened, under `demo_clock` (see meihao.demo.cases for why a clock).

A patrol is what the phone would have sent: a start, one batch of track points (a fix about
every 30 s, walking between spots inside the worker's own grid at walking speed, with a few
metres of GPS noise and the odd missed fix), and an end. The services then derive everything
else — duration, distance (the 30 km/h noise filter keeps every step of a walk), the daily
`patrol` tallies of the duty view and the years' days met — exactly as for a real patrol.

Most days a worker patrols an hour or more, sometimes in two rounds (morning and afternoon);
some days are short, a few are missed (more at weekends). Each day is drawn from its own seed
(the worker's phone and the date), so the same day is always the same patrol, and each session
has a client id derived from the same key: a second run finds every session already there and
adds nothing; a run on a later day adds only the days since. Patrols that would end after
`now` are not taken.
"""

import datetime
import math
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.core.errors import DomainError
from meihao.core.roles import Role
from meihao.demo.cases import demo_clock
from meihao.demo.geometry import MICRO
from meihao.demo.plan import Plan, history_scale
from meihao.patrols import services as patrol_services
from meihao.patrols.days import DUTY_TZ
from meihao.patrols.models import PatrolSession
from meihao.people.models import RoleAssignment, User
from meihao.places.models import Level, Place

DAYS = 14
# A patrol through the services (start, ~120 points, end) takes 20–25 ms on SQLite: two weeks of
# all 300 grids would add well over a minute to the seed. Scale 1 walks the grid workers of the
# demo's first community, ten grids (the grid-worker and community-staff log-ins' own); a larger
# scale walks more, community by community in code order (scale 30: every grid).
PATROL_GRIDS_PER_SCALE = 10
POINT_INTERVAL_S = 30
BATCH = patrol_services.MAX_POINTS_PER_BATCH
# Namespace of the demo's patrol client ids (uuid5 of the worker's phone, the day and the round).
CLIENT_ID_NAMESPACE = uuid.UUID("6d1f3c52-8a4e-4f0e-9b1c-3d5e7a9b0c21")
METRES_PER_MICRO_LAT = 0.111_195
MISSED_WEEKDAY, MISSED_WEEKEND = 0.05, 0.2
SHORT = 0.12  # a short day: called away, rain, a meeting
TWO_ROUNDS = 0.2  # the hour walked in two rounds


def patrol_grids_for_scale(scale: float) -> int:
    """At least the demo grid worker's own grid walks, however small the seed: his patrol log
    reaches up to today at any scale."""
    return max(1, round(PATROL_GRIDS_PER_SCALE * history_scale(scale)))


@dataclass(frozen=True)
class Round:
    """One planned patrol: its client id, start and length."""

    client_id: uuid.UUID
    start: datetime.datetime
    minutes: float


def client_id(phone: str, day: datetime.date, round_no: int) -> uuid.UUID:
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"meihao-demo-patrol:{phone}:{day:%Y-%m-%d}:{round_no}")


def day_rounds(phone: str, day: datetime.date, seed: int) -> list[Round]:
    """The patrols of one worker on one day (possibly none), always the same for the same day."""
    rng = random.Random(f"{seed}:patrol:{phone}:{day:%Y-%m-%d}")
    weekend = day.weekday() >= 5
    if rng.random() < (MISSED_WEEKEND if weekend else MISSED_WEEKDAY):
        return []

    def at(hour: float) -> datetime.datetime:
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=DUTY_TZ)
        return start + datetime.timedelta(seconds=int(hour * 3600) + rng.randrange(60))

    if rng.random() < SHORT:
        return [Round(client_id(phone, day, 0), at(rng.uniform(8.5, 16.5)), rng.uniform(15, 50))]
    if rng.random() < TWO_ROUNDS:
        return [
            Round(client_id(phone, day, 0), at(rng.uniform(8.5, 10)), rng.uniform(30, 45)),
            Round(client_id(phone, day, 1), at(rng.uniform(14.5, 16.5)), rng.uniform(30, 50)),
        ]
    # Mostly the morning round, before the heat; some walk in the late afternoon.
    hour = rng.uniform(8, 10.5) if rng.random() < 0.7 else rng.uniform(15, 17)
    return [Round(client_id(phone, day, 0), at(hour), rng.uniform(61, 95))]


class Walk:
    """A walk inside a grid cell (integer micro-degrees, see demo.geometry), one fix every ~30 s.

    The walker heads for a random spot in the cell at 0.9–1.4 m/s, stops there for a while
    (a word with a shopkeeper, a photo of a problem), then heads for the next one.
    """

    def __init__(self, rect, rng: random.Random):
        self.rng = rng
        margin_x = (rect.east - rect.west) * 0.06
        margin_y = (rect.north - rect.south) * 0.06
        self.west, self.east = rect.west + margin_x, rect.east - margin_x
        self.south, self.north = rect.south + margin_y, rect.north - margin_y
        lat = (rect.south + rect.north) / 2 / MICRO
        # Metres per micro-degree: north-south, and east-west at this latitude.
        self.m_y = METRES_PER_MICRO_LAT
        self.m_x = METRES_PER_MICRO_LAT * math.cos(math.radians(lat))

    def _spot(self) -> tuple[float, float]:
        return self.rng.uniform(self.west, self.east), self.rng.uniform(self.south, self.north)

    def points(self, start: datetime.datetime, end: datetime.datetime) -> list[dict]:
        rng = self.rng
        x, y = self._spot()
        target = self._spot()
        speed = rng.uniform(0.9, 1.4)
        pause = 0.0
        result = []
        moment = start + datetime.timedelta(seconds=round(rng.uniform(2, 10), 3))
        elapsed = 0.0
        while moment <= end:
            if rng.random() > 0.03:  # now and then the phone gets no fix under the arcades
                noise = rng.gauss(0, 2.0)
                angle = rng.uniform(0, 2 * math.pi)
                px = min(max(x + noise * math.cos(angle) / self.m_x, self.west), self.east)
                py = min(max(y + noise * math.sin(angle) / self.m_y, self.south), self.north)
                result.append(
                    {
                        "recorded_at": moment,
                        "lat": round(py / MICRO, 6),
                        "lon": round(px / MICRO, 6),
                        "accuracy_m": round(rng.uniform(4, 18), 1),
                    }
                )
            step = round(POINT_INTERVAL_S + rng.uniform(-3, 3), 3)  # the phone's milliseconds
            moment += datetime.timedelta(seconds=step)
            elapsed += step
            # Move for `step` seconds: first any pause left, then towards the target.
            left = step
            if pause > 0:
                used = min(pause, left)
                pause -= used
                left -= used
            while left > 0:
                dx = (target[0] - x) * self.m_x
                dy = (target[1] - y) * self.m_y
                distance = math.hypot(dx, dy)
                reach = speed * left
                if distance > reach:
                    x += (target[0] - x) * reach / distance
                    y += (target[1] - y) * reach / distance
                    left = 0
                else:
                    x, y = target
                    left -= distance / speed if speed else left
                    target = self._spot()
                    speed = rng.uniform(0.9, 1.4)
                    if rng.random() < 0.3:
                        pause = rng.uniform(60, 300)
                        used = min(pause, left)
                        pause -= used
                        left -= used
        return result


class PatrolHistory:
    """Walks the demo's patrols. `run()` returns (sessions created, sessions already there)."""

    def __init__(
        self,
        *,
        plan: Plan,
        seed: int,
        now: datetime.datetime | None = None,
        days: int = DAYS,
        grids: int | None = None,
    ):
        self.plan = plan
        self.seed = seed
        self.now = now or timezone.now()
        self.days = days
        self.grids = grids  # the workers of this many grids walk, in code order (None: all)
        self.rects = {g.code: g.rect for g in plan.grids}

    def worker_grids(self) -> list[tuple[User, Place]]:
        """(grid worker, their grid) of the demo grid workers who walk, in grid order."""
        rows = (
            RoleAssignment.objects.filter(
                role=Role.GRID_WORKER,
                place__level=Level.GRID,
                place__code__in=list(self.rects),
            )
            .select_related("user", "place")
            .order_by("place__code", "user_id")
        )
        pairs = [(a.user, a.place) for a in rows]
        if self.grids is None:
            return pairs
        walked = sorted({place.code for _user, place in pairs})[: self.grids]
        return [(user, place) for user, place in pairs if place.code in walked]

    def run(self) -> tuple[int, int]:
        pairs = self.worker_grids()
        existing = set(
            PatrolSession.objects.filter(worker__in=[u for u, _g in pairs]).values_list(
                "client_id", flat=True
            )
        )
        today = timezone.localtime(self.now, DUTY_TZ).date()
        created = already = 0
        for user, grid in pairs:
            for n in range(self.days - 1, -1, -1):
                day = today - datetime.timedelta(days=n)
                for planned in day_rounds(user.phone, day, self.seed):
                    if planned.client_id in existing:
                        already += 1
                        continue
                    if self.walk(user, grid, planned):
                        created += 1
        return created, already

    def walk(self, user: User, grid: Place, planned: Round) -> bool:
        """Start, record and end one patrol as of its own times; False if it is still to come."""
        end = planned.start + datetime.timedelta(seconds=int(planned.minutes * 60))
        if end + datetime.timedelta(minutes=1) >= self.now:
            return False
        rng = random.Random(f"{self.seed}:walk:{planned.client_id}")
        points = Walk(self.rects[grid.code], rng).points(planned.start, end)
        try:
            with transaction.atomic():
                with demo_clock(planned.start + datetime.timedelta(seconds=1)):
                    session = patrol_services.patrol_start(
                        actor=user,
                        client_id=planned.client_id,
                        grid=grid,
                        started_at=planned.start,
                    ).session
                for first in range(0, len(points), BATCH):
                    batch = points[first : first + BATCH]
                    sent = batch[-1]["recorded_at"] + datetime.timedelta(seconds=2)
                    with demo_clock(sent):
                        patrol_services.patrol_record_points(
                            actor=user, session=session, points=batch
                        )
                with demo_clock(end + datetime.timedelta(seconds=5)):
                    patrol_services.patrol_end(actor=user, session=session, ended_at=end)
        except DomainError:
            # A patrol of the worker's own is in progress (someone tried the demo): not now.
            return False
        return True
