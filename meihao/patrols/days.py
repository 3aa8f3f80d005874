"""Calendar days of the duty rule: Asia/Shanghai days, whatever the server's display zone.

A patrol crossing midnight counts on both days; overlapping patrols of one worker count once.
"""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

DUTY_TZ = ZoneInfo("Asia/Shanghai")


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of `day` in Asia/Shanghai, as aware datetimes."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=DUTY_TZ)
    return start, start + datetime.timedelta(days=1)


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(DUTY_TZ).date()


def days_between(start: datetime.datetime, end: datetime.datetime) -> list[datetime.date]:
    """Every Asia/Shanghai day touched by [start, end]."""
    first, last = local_day(start), local_day(end)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def split_by_day(
    intervals: Iterable[tuple[datetime.datetime, datetime.datetime]],
) -> dict[datetime.date, int]:
    """Seconds covered by the union of `intervals` on each Asia/Shanghai day."""
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    seconds: dict[datetime.date, int] = {}
    for start, end in merged:
        for day in days_between(start, end):
            day_start, day_end = day_bounds(day)
            overlap = (min(end, day_end) - max(start, day_start)).total_seconds()
            if overlap > 0:
                seconds[day] = seconds.get(day, 0) + int(overlap)
    return seconds
