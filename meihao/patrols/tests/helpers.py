"""Walking a patrol in tests: a start, a point every 30 s along a street, an end."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import time_machine

from meihao.patrols import services

# Inside grid A1 (lon 111.20–111.21, lat 23.40–23.42) and grid B1 (lon 111.30–111.32).
A1 = (23.41, 111.205)
A2 = (23.41, 111.215)
B1 = (23.41, 111.31)
# One step north every 30 s: 0.0003° of latitude is about 33 m, a walk of about 1.1 m/s.
STEP_LAT = 0.0003


# Spelled out rather than taken from patrols.days, so that the tests pin the rule.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def track(start: datetime.datetime, minutes: int, origin=A1, every_s: int = 30) -> list[dict]:
    lat, lon = origin
    return [
        {
            "recorded_at": (start + datetime.timedelta(seconds=every_s * n)).isoformat(),
            "lat": lat + STEP_LAT * (n % 60),
            "lon": lon,
            "accuracy_m": 8,
        }
        for n in range(minutes * 60 // every_s + 1)
    ]


def walk(worker, start: datetime.datetime, minutes: int, origin=A1, grid=None):
    """A whole patrol of `minutes` from `start`, sent the way the phone sends it, a minute
    after it ended (the clock is moved there and back)."""
    end = start + datetime.timedelta(minutes=minutes)
    with time_machine.travel(end + datetime.timedelta(minutes=1), tick=False):
        session = services.patrol_start(
            actor=worker, client_id=uuid.uuid4(), started_at=start, grid=grid
        ).session
        services.patrol_record_points(
            actor=worker, session=session, points=track(start, minutes, origin)
        )
        return services.patrol_end(actor=worker, session=session, ended_at=end)
