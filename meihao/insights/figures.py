"""The one way screens, dashboards and reports read a figure.

Pages never call `Indicator.measure` themselves: they ask here, so that where a figure can be
read from stored rollups it is (`insights.rollups`: the indicator declares a `Rollup`, its rows
are built over the span's days and none of them is waiting to be recomputed), and where it
cannot it is computed live from its records. Both answer the same `Measure` (the rollup tests
and `manage.py rollup_check` hold them equal).
"""

from datetime import date, timedelta

from meihao.insights import rollups
from meihao.insights.registry import Indicator, Measure, Span


def measure(indicator: Indicator, span: Span) -> Measure:
    """The indicator's value over the span."""
    if rollups.readable(indicator, span):
        return rollups.stored(indicator, span)
    return indicator.measure(span)


def month_firsts(last_day: date, months: int) -> list[date]:
    """The first days of the `months` calendar months ending with `last_day`'s, oldest first."""
    month = last_day.replace(day=1)
    firsts = []
    for _i in range(months):
        firsts.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    firsts.reverse()
    return firsts


def month_last(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def monthly(indicator: Indicator, span: Span, months: int) -> list[tuple[date, Measure]]:
    """The indicator for each of the `months` calendar months ending with the span's last
    day's month, over the span's place and filters (a sparkline's or a trend's points)."""
    kept = span.narrowing
    firsts = month_firsts(span.last_day, months)

    def live(first):
        return indicator.measure(Span.of(span.place_path, first, month_last(first), **kept))

    last = month_last(firsts[-1])
    if indicator.rollup is None or span.narrowed:
        return [(first, live(first)) for first in firsts]
    unreadable = rollups.unreadable_months(indicator, firsts, last)
    if unreadable is None:
        return [(first, live(first)) for first in firsts]
    # Every month in one grouped query over the rows; a month not readable from them, live.
    stored = rollups.stored_months(indicator, span.place_path, firsts, last)
    return [(first, live(first) if first in unreadable else stored[first]) for first in firsts]
