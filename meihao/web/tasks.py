"""Worker heartbeat: the worker proves it is alive by writing a timestamp into Huey's own
storage (SQLite file or Redis), which every web process can read for /healthz."""

import time

from huey import crontab
from huey.contrib.djhuey import HUEY, on_startup, periodic_task

HEARTBEAT_KEY = "meihao:worker:heartbeat"


def write_heartbeat() -> float:
    now = time.time()
    HUEY.put(HEARTBEAT_KEY, now)
    return now


def last_heartbeat() -> float | None:
    """Seconds since the epoch of the worker's last heartbeat, or None if it never beat."""
    # peek: Huey's get() removes the value by default, and every web process reads it.
    value = HUEY.get(HEARTBEAT_KEY, peek=True)
    return float(value) if value is not None else None


@on_startup()
def heartbeat_on_startup():
    # So /healthz turns green as soon as the worker starts, not a minute later.
    write_heartbeat()


@periodic_task(crontab(minute="*"))
def heartbeat():
    write_heartbeat()
