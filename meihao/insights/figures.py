"""The one way screens, dashboards and reports read a figure.

Pages never call `Indicator.measure` themselves: they ask here, so that where a figure can be
read from stored rollups it is (`insights.rollups`: the indicator declares a `Rollup`, its rows
are built over the span's days and none of them is waiting to be recomputed), and where it
cannot it is computed live from its records. Both answer the same `Measure` (the rollup tests
and `manage.py rollup_check` hold them equal). A screen of many figures asks for them together
(`measures`): the rolled-up ones are read in three queries whatever their number.
"""

from datetime import date, timedelta

from meihao.insights import rollups
from meihao.insights.registry import Indicator, Measure, Span


def measure(indicator: Indicator, span: Span) -> Measure:
    """The indicator's value over the span."""
    if rollups.readable(indicator, span):
        return rollups.stored(indicator, span)
    return indicator.measure(span)


def measures(wanted: list[tuple[Indicator, Span]]) -> list[Measure]:
    """Each (indicator, span)'s value, as `measure` answers it: those readable from rollups in
    three queries together (their states, their dirty days, their rows), the others live."""
    readable = rollups.readable_many(wanted)
    stored = rollups.stored_many([pair for pair, ok in zip(wanted, readable, strict=True) if ok])
    stored = iter(stored)
    return [
        next(stored) if ok else indicator.measure(span)
        for (indicator, span), ok in zip(wanted, readable, strict=True)
    ]


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
    day's month, over the span's place and filters (a sparkline's or a trend's points): read
    together (`measures`), a month not readable from the rollups live."""
    firsts = month_firsts(span.last_day, months)
    spans = [Span.of(span.place_path, f, month_last(f), **span.narrowing) for f in firsts]
    return list(zip(firsts, measures([(indicator, each) for each in spans]), strict=True))
